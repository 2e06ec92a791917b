package io.redismigrate.job.pipeline;

import io.redismigrate.job.MigrationOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every command form that sets an expiry (keys and hash fields), with a TTL shift of 5000 ms. */
class TtlExtensionTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "PEXPIREAT k 1700000000000          | PEXPIREAT k 1700000005000",
            "pexpireat k 1700000000000 GT       | pexpireat k 1700000005000 GT",
            "PEXPIRE k 1500                     | PEXPIRE k 6500",
            "EXPIREAT k 1700000000              | PEXPIREAT k 1700000005000",
            "EXPIRE k 10 NX                     | PEXPIRE k 15000 NX",
            "PSETEX k 250 v                     | PSETEX k 5250 v",
            "SETEX k 3 v                        | PSETEX k 8000 v",
            "SET k v PXAT 1700000000000         | SET k v PXAT 1700000005000",
            "SET k v EX 2 NX                    | SET k v PX 7000 NX",
            "SET k v NX PX 100 GET              | SET k v NX PX 5100 GET",
            "SET k v EXAT 1700000000            | SET k v PXAT 1700000005000",
            "GETEX k EX 1                       | GETEX k PX 6000",
            "GETEX k PXAT 1700000000000         | GETEX k PXAT 1700000005000",
            "RESTORE k 1700000000000 p ABSTTL   | RESTORE k 1700000005000 p ABSTTL",
            "RESTORE k 0 p REPLACE              | RESTORE k 0 p REPLACE",
            // hash-field TTLs (Redis ≥ 7.4): what Redis 8 replicates …
            "HPEXPIREAT h 1700000000000 FIELDS 2 f g        | HPEXPIREAT h 1700000005000 FIELDS 2 f g",
            "HPEXPIREAT h 1700000000000 NX FIELDS 1 f       | HPEXPIREAT h 1700000005000 NX FIELDS 1 f",
            "hpexpireat h 1700000000000 XX FIELDS 1 f       | hpexpireat h 1700000005000 XX FIELDS 1 f",
            "HSETEX h PXAT 1700000000000 FIELDS 1 f v       | HSETEX h PXAT 1700000005000 FIELDS 1 f v",
            "hsetex h FNX PXAT 1700000000000 FIELDS 1 f v   | hsetex h FNX PXAT 1700000005000 FIELDS 1 f v",
            "HSETEX h FXX PXAT 1700000000000 FIELDS 1 f v   | HSETEX h FXX PXAT 1700000005000 FIELDS 1 f v",
            "HSETEX h KEEPTTL FIELDS 1 f v                  | HSETEX h KEEPTTL FIELDS 1 f v",
            "HSETEX h FIELDS 2 f v EX 10                    | HSETEX h FIELDS 2 f v EX 10",
            "HPERSIST h FIELDS 1 f                          | HPERSIST h FIELDS 1 f",
            "HDEL h f                                       | HDEL h f",
            // … and the relative forms (sent by clients; Redis rewrites them before replicating)
            "HPEXPIRE h 1500 FIELDS 1 f                     | HPEXPIRE h 6500 FIELDS 1 f",
            "HEXPIRE h 10 GT FIELDS 2 f g                   | HPEXPIRE h 15000 GT FIELDS 2 f g",
            "HEXPIREAT h 1700000000 LT FIELDS 1 f           | HPEXPIREAT h 1700000005000 LT FIELDS 1 f",
            "HSETEX h EX 10 FIELDS 1 f v                    | HSETEX h PX 15000 FIELDS 1 f v",
            "HSETEX h FNX PX 100 FIELDS 1 f v               | HSETEX h FNX PX 5100 FIELDS 1 f v",
            "HSETEX h EXAT 1700000000 FIELDS 1 f v          | HSETEX h PXAT 1700000005000 FIELDS 1 f v",
            "HGETEX h EX 10 FIELDS 1 f                      | HGETEX h PX 15000 FIELDS 1 f",
            "HGETEX h PX 100 FIELDS 1 f                     | HGETEX h PX 5100 FIELDS 1 f",
            "HGETEX h EXAT 1700000000 FIELDS 1 f            | HGETEX h PXAT 1700000005000 FIELDS 1 f",
            "HGETEX h PXAT 1700000000000 FIELDS 1 f         | HGETEX h PXAT 1700000005000 FIELDS 1 f",
            "HGETEX h PERSIST FIELDS 1 f                    | HGETEX h PERSIST FIELDS 1 f",
            "HGETEX h FIELDS 2 EX PX                        | HGETEX h FIELDS 2 EX PX",
            "SET k v                            | SET k v",
            "SET k v KEEPTTL                    | SET k v KEEPTTL",
            "GETEX k PERSIST                    | GETEX k PERSIST",
            "INCR k                             | INCR k",
    })
    void extends_(String command, String expected) {
        assertEquals(expected, join(TtlExtension.apply(split(command), 5000)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"PEXPIREAT k 1700000000000", "SET k v EX 2", "EXPIRE k 10",
            "HPEXPIREAT h 1700000000000 FIELDS 1 f", "HSETEX h PXAT 1700000000000 FIELDS 1 f v"})
    void zeroChangesNothing(String command) {
        assertEquals(command, join(TtlExtension.apply(split(command), 0)));
    }

    @Test
    void shiftIsExtendPlusMarginWithAStreamPhase() throws Exception {
        String[] base = {"run", "--source", "redis://a:1", "--target", "redis://b:2"};
        assertEquals(300_000, TtlExtension.shiftMs(MigrationOptions.parse(base)), "default margin 5m, full+incremental");
        assertEquals(3_600_000 + 300_000, TtlExtension.shiftMs(MigrationOptions.parse(with(base, "--ttl-extend", "1h"))));
        assertEquals(310_000, TtlExtension.shiftMs(MigrationOptions.parse(with(base, "--mode", "incremental", "--ttl-extend", "10s"))));
        assertEquals(0, TtlExtension.shiftMs(MigrationOptions.parse(with(base, "--ttl-margin", "0s"))));
        assertEquals(0, TtlExtension.shiftMs(MigrationOptions.parse(with(base, "--mode", "full"))), "no margin without a stream phase");
        assertEquals(1000, TtlExtension.shiftMs(MigrationOptions.parse(with(base, "--mode", "full", "--ttl-extend", "1s"))));
    }

    private static String[] with(String[] base, String... more) {
        String[] out = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, out, base.length, more.length);
        return out;
    }

    private static byte[][] split(String s) {
        String[] parts = s.trim().split(" +");
        byte[][] out = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) out[i] = parts[i].getBytes(StandardCharsets.US_ASCII);
        return out;
    }

    private static String join(byte[][] args) {
        StringBuilder b = new StringBuilder();
        for (byte[] a : args) b.append(b.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.US_ASCII));
        return b.toString();
    }
}
