"""A new database's tables, indexes and their order, as SQL text (written by
:mod:`salesdesk.data.schema_model` from the SQLModel classes: do not edit by hand).

Creating a database from this text loads no ORM and writes it in one transaction.
"""

SCHEMA: tuple[str, ...] = (
    (
        'CREATE TABLE prospect (\n'
        '\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n'
        '\tkind VARCHAR NOT NULL, \n'
        '\tname VARCHAR NOT NULL, \n'
        '\tcompany VARCHAR NOT NULL, \n'
        '\ttitle VARCHAR NOT NULL, \n'
        '\tphone VARCHAR NOT NULL, \n'
        '\temail VARCHAR NOT NULL, \n'
        "\twechat VARCHAR DEFAULT '' NOT NULL, \n"
        '\taddress VARCHAR NOT NULL, \n'
        '\tarea VARCHAR NOT NULL, \n'
        '\tsource VARCHAR NOT NULL, \n'
        '\ttags VARCHAR NOT NULL, \n'
        '\tproduct_interest VARCHAR NOT NULL, \n'
        '\tvalue FLOAT NOT NULL, \n'
        '\tpurchase_history VARCHAR NOT NULL, \n'
        '\tsize VARCHAR NOT NULL, \n'
        '\twork VARCHAR NOT NULL, \n'
        '\tfamily VARCHAR NOT NULL, \n'
        '\tpersonality VARCHAR NOT NULL, \n'
        '\thabits VARCHAR NOT NULL, \n'
        '\thobbies VARCHAR NOT NULL, \n'
        '\tcontact_style VARCHAR NOT NULL, \n'
        '\tcontact_times VARCHAR NOT NULL, \n'
        '\tpromotions VARCHAR NOT NULL, \n'
        '\tvalues_note VARCHAR NOT NULL, \n'
        '\tbirthday DATE, \n'
        '\tnotes VARCHAR NOT NULL, \n'
        '\tgrade VARCHAR NOT NULL, \n'
        '\tstatus VARCHAR NOT NULL, \n'
        '\tstage VARCHAR NOT NULL, \n'
        '\tmoney VARCHAR NOT NULL, \n'
        '\tauthority VARCHAR NOT NULL, \n'
        '\tneed VARCHAR NOT NULL, \n'
        "\tdecider VARCHAR DEFAULT '' NOT NULL, \n"
        '\tpriority INTEGER, \n'
        "\tinquiries INTEGER DEFAULT '0' NOT NULL, \n"
        '\tnext_date DATE, \n'
        '\tnext_action VARCHAR NOT NULL, \n'
        '\tnext_topic VARCHAR NOT NULL, \n'
        '\tkey_account BOOLEAN NOT NULL, \n'
        '\tpot_growth BOOLEAN NOT NULL, \n'
        '\tpot_plan BOOLEAN NOT NULL, \n'
        '\tpot_revenue BOOLEAN NOT NULL, \n'
        '\tpot_opportunity BOOLEAN NOT NULL, \n'
        '\tpot_fit BOOLEAN NOT NULL, \n'
        '\tpot_competitive BOOLEAN NOT NULL, \n'
        '\tpot_relationship BOOLEAN NOT NULL, \n'
        "\tfollow_up VARCHAR DEFAULT 'keep' NOT NULL, \n"
        '\trevisit_days INTEGER, \n'
        "\tvisit_days VARCHAR DEFAULT '' NOT NULL, \n"
        "\tvisit_time VARCHAR DEFAULT '' NOT NULL, \n"
        '\timport_batch VARCHAR, \n'
        "\tpinyin_key VARCHAR DEFAULT '' NOT NULL, \n"
        '\tprevious_id INTEGER, \n'
        '\tcreated_at DATETIME NOT NULL, \n'
        '\tgraded_at DATETIME NOT NULL, \n'
        '\treviewed_at DATETIME, \n'
        '\ttouched_at DATETIME, \n'
        '\tclosed_at DATETIME, \n'
        "\tuuid VARCHAR DEFAULT (printf('%08x-%04x-7%03x-%x%03x-%012x', CAST((julianday('n"
        "ow') - 2440587.5) * 86400000 AS INTEGER) >> 16, CAST((julianday('now') - 2440587"
        '.5) * 86400000 AS INTEGER) & 65535, random() & 4095, 8 + (random() & 3), random('
        ') & 4095, random() & 281474976710655)) NOT NULL, \n'
        "\tupdated_at DATETIME DEFAULT (strftime('%Y-%m-%d %H:%M:%f000', 'now', 'localtime"
        "')) NOT NULL, \n"
        "\tnext_kind VARCHAR DEFAULT '' NOT NULL, \n"
        '\tfirst_contact_due DATETIME, \n'
        '\tfirst_contact_at DATETIME, \n'
        '\tFOREIGN KEY(previous_id) REFERENCES prospect (id)\n'
        ')'
    ),
    (
        'CREATE INDEX ix_prospect_pipeline ON prospect (status, grade, value)'
    ),
    (
        'CREATE INDEX ix_prospect_next_date ON prospect (next_date)'
    ),
    (
        'CREATE INDEX ix_prospect_area ON prospect (area)'
    ),
    (
        'CREATE UNIQUE INDEX ix_prospect_uuid ON prospect (uuid)'
    ),
    (
        'CREATE INDEX ix_prospect_grade ON prospect (grade)'
    ),
    (
        'CREATE INDEX ix_prospect_name ON prospect (name)'
    ),
    (
        'CREATE INDEX ix_prospect_import_batch ON prospect (import_batch)'
    ),
    (
        'CREATE INDEX ix_prospect_previous_id ON prospect (previous_id)'
    ),
    (
        'CREATE INDEX ix_prospect_status ON prospect (status)'
    ),
    (
        'CREATE TABLE importbatch (\n'
        '\tid VARCHAR NOT NULL, \n'
        '\tat DATETIME NOT NULL, \n'
        '\tsource VARCHAR NOT NULL, \n'
        '\tcreated INTEGER NOT NULL, \n'
        '\tupdated INTEGER NOT NULL, \n'
        '\tPRIMARY KEY (id)\n'
        ')'
    ),
    (
        'CREATE TABLE setting (\n'
        '\t"key" VARCHAR NOT NULL, \n'
        '\tvalue VARCHAR NOT NULL, \n'
        '\tPRIMARY KEY ("key")\n'
        ')'
    ),
    (
        'CREATE TABLE journal (\n'
        '\tid INTEGER NOT NULL, \n'
        '\tat DATETIME NOT NULL, \n'
        '\tlabel VARCHAR NOT NULL, \n'
        '\timport_batch VARCHAR, \n'
        '\tPRIMARY KEY (id)\n'
        ')'
    ),
    (
        'CREATE INDEX ix_journal_at ON journal (at)'
    ),
    (
        'CREATE INDEX ix_journal_import_batch ON journal (import_batch)'
    ),
    (
        'CREATE TABLE redo (\n'
        '\tid INTEGER NOT NULL, \n'
        '\tat DATETIME NOT NULL, \n'
        '\tlabel VARCHAR NOT NULL, \n'
        '\timport_batch VARCHAR, \n'
        '\tPRIMARY KEY (id)\n'
        ')'
    ),
    (
        'CREATE TABLE visit (\n'
        '\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n'
        '\tprospect_id INTEGER NOT NULL, \n'
        '\tday DATE NOT NULL, \n'
        '\tstart VARCHAR, \n'
        '\tminutes INTEGER, \n'
        '\tpurpose VARCHAR NOT NULL, \n'
        '\tstatus VARCHAR NOT NULL, \n'
        '\toutcome VARCHAR NOT NULL, \n'
        '\tuid VARCHAR NOT NULL, \n'
        '\tcreated_at DATETIME NOT NULL, \n'
        "\tuuid VARCHAR DEFAULT (printf('%08x-%04x-7%03x-%x%03x-%012x', CAST((julianday('n"
        "ow') - 2440587.5) * 86400000 AS INTEGER) >> 16, CAST((julianday('now') - 2440587"
        '.5) * 86400000 AS INTEGER) & 65535, random() & 4095, 8 + (random() & 3), random('
        ') & 4095, random() & 281474976710655)) NOT NULL, \n'
        "\tupdated_at DATETIME DEFAULT (strftime('%Y-%m-%d %H:%M:%f000', 'now', 'localtime"
        "')) NOT NULL, \n"
        '\tFOREIGN KEY(prospect_id) REFERENCES prospect (id)\n'
        ')'
    ),
    (
        'CREATE INDEX ix_visit_day ON visit (day)'
    ),
    (
        'CREATE INDEX ix_visit_prospect_id ON visit (prospect_id)'
    ),
    (
        'CREATE UNIQUE INDEX ix_visit_uuid ON visit (uuid)'
    ),
    (
        'CREATE INDEX ix_visit_status ON visit (status)'
    ),
    (
        'CREATE INDEX ix_visit_uid ON visit (uid)'
    ),
    (
        'CREATE TABLE complaint (\n'
        '\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n'
        '\tprospect_id INTEGER NOT NULL, \n'
        '\treceived_at DATETIME NOT NULL, \n'
        '\tchannel VARCHAR NOT NULL, \n'
        '\tsaid VARCHAR NOT NULL, \n'
        '\texpected VARCHAR NOT NULL, \n'
        '\tanswered_at DATETIME, \n'
        '\tcause_kind VARCHAR, \n'
        '\tcause VARCHAR NOT NULL, \n'
        '\tcause_at DATETIME, \n'
        '\tresolved_at DATETIME, \n'
        '\tresolution VARCHAR NOT NULL, \n'
        '\tcompensation VARCHAR NOT NULL, \n'
        '\tfollowed_up_at DATETIME, \n'
        '\tlesson VARCHAR NOT NULL, \n'
        '\tlesson_at DATETIME, \n'
        "\tuuid VARCHAR DEFAULT (printf('%08x-%04x-7%03x-%x%03x-%012x', CAST((julianday('n"
        "ow') - 2440587.5) * 86400000 AS INTEGER) >> 16, CAST((julianday('now') - 2440587"
        '.5) * 86400000 AS INTEGER) & 65535, random() & 4095, 8 + (random() & 3), random('
        ') & 4095, random() & 281474976710655)) NOT NULL, \n'
        "\tupdated_at DATETIME DEFAULT (strftime('%Y-%m-%d %H:%M:%f000', 'now', 'localtime"
        "')) NOT NULL, \n"
        "\tanswer VARCHAR DEFAULT '' NOT NULL, \n"
        "\tfollow_up_outcome VARCHAR DEFAULT '' NOT NULL, \n"
        '\tFOREIGN KEY(prospect_id) REFERENCES prospect (id)\n'
        ')'
    ),
    (
        'CREATE INDEX ix_complaint_resolved_at ON complaint (resolved_at)'
    ),
    (
        'CREATE UNIQUE INDEX ix_complaint_uuid ON complaint (uuid)'
    ),
    (
        'CREATE INDEX ix_complaint_prospect_id ON complaint (prospect_id)'
    ),
    (
        'CREATE INDEX ix_complaint_received_at ON complaint (received_at)'
    ),
    (
        'CREATE TABLE contact_point (\n'
        '\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n'
        '\tprospect_id INTEGER NOT NULL, \n'
        '\tkind VARCHAR NOT NULL, \n'
        '\tvalue VARCHAR NOT NULL, \n'
        '\tlabel VARCHAR NOT NULL, \n'
        '\tposition INTEGER NOT NULL, \n'
        "\tupdated_at DATETIME DEFAULT (strftime('%Y-%m-%d %H:%M:%f000', 'now', 'localtime"
        "')) NOT NULL, \n"
        '\tFOREIGN KEY(prospect_id) REFERENCES prospect (id)\n'
        ')'
    ),
    (
        'CREATE INDEX ix_contact_point_prospect_id ON contact_point (prospect_id)'
    ),
    (
        'CREATE TABLE journal_row (\n'
        '\tid INTEGER NOT NULL, \n'
        '\tjournal_id INTEGER NOT NULL, \n'
        '\ttable_name VARCHAR NOT NULL, \n'
        '\trow_id INTEGER NOT NULL, \n'
        '\tprospect_id INTEGER, \n'
        '\t"before" VARCHAR, \n'
        '\tPRIMARY KEY (id), \n'
        '\tFOREIGN KEY(journal_id) REFERENCES journal (id)\n'
        ')'
    ),
    (
        'CREATE INDEX ix_journal_row_journal_id ON journal_row (journal_id)'
    ),
    (
        'CREATE INDEX ix_journal_row_prospect_id ON journal_row (prospect_id, journal_id)'
    ),
    (
        'CREATE TABLE redo_row (\n'
        '\tid INTEGER NOT NULL, \n'
        '\tredo_id INTEGER NOT NULL, \n'
        '\ttable_name VARCHAR NOT NULL, \n'
        '\trow_id INTEGER NOT NULL, \n'
        '\tprospect_id INTEGER, \n'
        '\t"after" VARCHAR, \n'
        '\tPRIMARY KEY (id), \n'
        '\tFOREIGN KEY(redo_id) REFERENCES redo (id)\n'
        ')'
    ),
    (
        'CREATE INDEX ix_redo_row_redo_id ON redo_row (redo_id)'
    ),
    (
        'CREATE TABLE activity (\n'
        '\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n'
        '\tprospect_id INTEGER NOT NULL, \n'
        '\tkind VARCHAR NOT NULL, \n'
        '\tat DATETIME NOT NULL, \n'
        '\tnote VARCHAR NOT NULL, \n'
        '\toutcome VARCHAR NOT NULL, \n'
        '\tfrom_grade VARCHAR, \n'
        '\tto_grade VARCHAR, \n'
        '\tvisit_id INTEGER, \n'
        '\tfrom_status VARCHAR, \n'
        '\tto_status VARCHAR, \n'
        '\tamount FLOAT, \n'
        '\tfrom_stage VARCHAR, \n'
        '\tto_stage VARCHAR, \n'
        '\treason VARCHAR, \n'
        "\treason_note VARCHAR DEFAULT '' NOT NULL, \n"
        "\tuuid VARCHAR DEFAULT (printf('%08x-%04x-7%03x-%x%03x-%012x', CAST((julianday('n"
        "ow') - 2440587.5) * 86400000 AS INTEGER) >> 16, CAST((julianday('now') - 2440587"
        '.5) * 86400000 AS INTEGER) & 65535, random() & 4095, 8 + (random() & 3), random('
        ') & 4095, random() & 281474976710655)) NOT NULL, \n'
        "\tupdated_at DATETIME DEFAULT (strftime('%Y-%m-%d %H:%M:%f000', 'now', 'localtime"
        "')) NOT NULL, \n"
        '\tFOREIGN KEY(prospect_id) REFERENCES prospect (id), \n'
        '\tFOREIGN KEY(visit_id) REFERENCES visit (id)\n'
        ')'
    ),
    (
        'CREATE INDEX ix_activity_at ON activity (at)'
    ),
    (
        'CREATE UNIQUE INDEX ix_activity_uuid ON activity (uuid)'
    ),
    (
        'CREATE INDEX ix_activity_prospect_id ON activity (prospect_id)'
    ),
    (
        'CREATE INDEX ix_activity_visit_id ON activity (visit_id)'
    ),
    (
        'CREATE INDEX ix_activity_kind ON activity (kind)'
    ),
)
