package io.redismigrate.connector.sink;

import io.redismigrate.connector.command.CommandTable;
import io.redismigrate.connector.event.KeyRef;
import io.redismigrate.connector.event.RedisEvent;

import java.util.ArrayList;
import java.util.List;

/** The keys a stream event names, each with its source DB and target DB (a transaction may SELECT inside). */
final class EventKeys {
    private EventKeys() {}

    private static final byte[] SELECT = {'S', 'E', 'L', 'E', 'C', 'T'};

    /** Distinct keys of a COMMAND or TRANSACTION event, in order. */
    static List<KeyRef> of(RedisEvent e) {
        List<KeyRef> keys = new ArrayList<>();
        if (e.kind() == RedisEvent.Kind.TRANSACTION) {
            byte[][][] cmds = e.commands();
            int db = e.db();
            for (int i = 0; i < cmds.length; i++) {
                byte[][] c = cmds[i];
                if (c.length == 2 && CommandTable.isWord(c[0], SELECT)) db = (int) CommandTable.parseLong(c[1]);
                else add(c, e.sourceDb(i), db, keys);
            }
        } else if (e.args() != null) {
            add(e.args(), e.sourceDb(), e.db(), keys);
        }
        return keys;
    }

    private static void add(byte[][] c, int sourceDb, int targetDb, List<KeyRef> out) {
        for (byte[] k : CommandTable.keys(c)) {
            KeyRef r = new KeyRef(sourceDb, targetDb, k);
            if (!out.contains(r)) out.add(r);
        }
    }
}
