package io.redismigrate.connector.testutils;

import io.redismigrate.connector.rdb.RdbHandler;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.resp.RespError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helper: applies what the parser produces to a real server, one command at a time, failing on errors. */
public final class EventApplier implements RdbHandler, AutoCloseable {
    private static final byte[] RESTORE = "RESTORE".getBytes(StandardCharsets.US_ASCII);
    private final RedisConnection conn;
    private int db = -1;
    public final List<String> errors = new ArrayList<>();
    public int restores;
    public int commands;
    public int functions;

    public EventApplier(RedisServer target) throws IOException {
        this.conn = RedisConnection.open(RedisEndpoint.parse(target.uri()), "target", 5000);
    }

    private void select(int d) throws IOException {
        if (d != db) {
            check(conn.call("SELECT", String.valueOf(d)), "SELECT");
            db = d;
        }
    }

    @Override
    public void onRestore(int d, byte[] key, long expireAtMs, byte[] payload, String moduleType) throws IOException {
        select(d);
        restores++;
        check(conn.call(RESTORE, key, String.valueOf(expireAtMs).getBytes(), payload, "REPLACE".getBytes(), "ABSTTL".getBytes()),
                "RESTORE " + new String(key, StandardCharsets.UTF_8));
    }

    @Override
    public void onCommand(int d, byte[] key, byte[][] args, boolean keyStart) throws IOException {
        select(d);
        commands++;
        check(conn.call(args), new String(args[0]) + " " + new String(key, StandardCharsets.UTF_8));
    }

    @Override
    public void onFunction(byte[] code) throws IOException {
        functions++;
        check(conn.call("FUNCTION".getBytes(), "LOAD".getBytes(), "REPLACE".getBytes(), code), "FUNCTION LOAD");
    }

    private void check(Object reply, String what) {
        if (reply instanceof RespError) errors.add(what + ": " + reply);
    }

    @Override
    public void close() throws IOException {
        conn.close();
    }
}
