"""Frames reach DuckDB without being kept alive by the load's transaction (a registered frame
stays referenced until the transaction ends; a monthly load passes GiBs of frames)."""

import gc
import weakref

import duckdb
import pandas as pd

from integration_pipeline.warehouse import execute_with_frame, insert_frame, transaction


def test_inserted_frames_are_freed_inside_the_transaction():
    con = duckdb.connect()
    con.execute("CREATE TABLE t (a BIGINT, b VARCHAR)")
    with transaction(con):
        for i in range(3):
            df = pd.DataFrame({"b": [f"x{i}"], "a": [i]})   # column order differs: BY NAME
            ref = weakref.ref(df)
            assert insert_frame(con, "t", df) == 1
            del df
            gc.collect()
            assert ref() is None
    assert con.execute("SELECT a, b FROM t ORDER BY a").fetchall() == [
        (0, "x0"), (1, "x1"), (2, "x2")]


def test_execute_with_frame_reads_the_frame_with_parameters():
    con = duckdb.connect()
    con.execute("CREATE TABLE k (a BIGINT, name VARCHAR)")
    con.execute("INSERT INTO k VALUES (2, 'two'), (3, 'three')")
    frame = pd.DataFrame({"a": [1, 2, 3]})
    got = execute_with_frame(con, "SELECT v.a, k.name FROM v_frame v JOIN k USING (a) "
                             "WHERE v.a >= $low ORDER BY v.a", frame, {"low": 3}).fetchall()
    assert got == [(3, "three")]


def test_insert_frame_leaves_out_columns_and_adds_constants():
    con = duckdb.connect()
    con.execute("CREATE TABLE t (delivery_month VARCHAR, a BIGINT)")
    df = pd.DataFrame({"a": [1, 2], "pnr": ["0101901234", "0202902345"]})
    assert insert_frame(con, "t", df, ("pnr",), delivery_month="2017-06") == 2
    assert con.execute("SELECT * FROM t ORDER BY a").fetchall() == [("2017-06", 1), ("2017-06", 2)]
    assert list(df.columns) == ["a", "pnr"]   # the frame itself is unchanged
