package io.redismigrate.connector.sink;

import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.resp.RespError;

/** Turns an error reply into the one-line message of a {@link RedisWriteException}. */
final class WriteErrors {
    private WriteErrors() {}

    /** {@code selectDb} is the DB of a failed SELECT, or -1 when the event's own command failed. */
    static RedisWriteException rejected(RedisEndpoint target, RedisEvent event, int selectDb, RespError error) {
        String redis = oneLine(error.message());
        String code = error.code();
        StringBuilder m = new StringBuilder("target ").append(target).append(": ");
        String command;
        if (selectDb >= 0) {
            command = "SELECT";
            m.append("SELECT ").append(selectDb).append(" (before ").append(event.commandName())
                    .append(" of key '").append(event.printableKey()).append("')");
        } else {
            command = event.commandName();
            m.append(command);
            if (event.key() != null) m.append(" of key '").append(event.printableKey()).append('\'');
            m.append(" (db ").append(event.db()).append(')');
        }
        m.append(" failed: ").append(redis);
        String fix = fix(event, selectDb, command, code, redis);
        if (fix != null) m.append("; ").append(fix);
        return new RedisWriteException(m.toString(), redis);
    }

    private static String fix(RedisEvent event, int selectDb, String command, String code, String redis) {
        switch (code) {
            case "OOM":
                return "destination is out of memory (maxmemory); raise maxmemory or free space, then resume";
            case "NOPERM":
                return "the destination user lacks permission for " + command
                        + "; grant it (ACL SETUSER <user> +" + command.toLowerCase() + " ~*) or use another user";
            case "READONLY":
                return "the target is a read-only replica; point --target at a master";
            case "MOVED":
            case "ASK":
            case "CLUSTERDOWN":
                return "the target is a Redis Cluster node and this writer only supports a standalone target";
            default:
                break;
        }
        if (selectDb >= 0 && redis.contains("out of range")) {
            return "the destination has fewer databases than " + (selectDb + 1)
                    + "; raise 'databases' in its config or map the DB with --db-map";
        }
        if (event.kind() == RedisEvent.Kind.RESTORE && selectDb < 0) {
            if (event.note() != null) {
                return "destination has no module for type " + event.note() + " of key '" + event.printableKey()
                        + "'; load the module on the destination";
            }
            if (redis.contains("payload version or checksum")) {
                return "the destination Redis is older than the source and cannot read its value encoding";
            }
        }
        return null;
    }

    private static String oneLine(String s) {
        return s.replace('\r', ' ').replace('\n', ' ');
    }
}
