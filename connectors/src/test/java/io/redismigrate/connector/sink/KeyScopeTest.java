package io.redismigrate.connector.sink;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyScopeTest {
    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everythingButTheToolsKeys() {
        assertTrue(KeyScope.ALL.unrestricted());
        assertTrue(KeyScope.ALL.owns(k("any")));
        assertTrue(KeyScope.ALL.ownsDb(7));
        assertFalse(KeyScope.ALL.owns(k("__redis_migrate:fence:127.0.0.1:6379")));
        assertFalse(KeyScope.ALL.owns(k("__redis_migrate:heartbeat:x")));
    }

    @Test
    void prefixFilters() {
        KeyScope s = new KeyScope(List.of("user:", "é:"), List.of("user:tmp:"), null, Set.of());
        assertFalse(s.unrestricted());
        assertTrue(s.owns(k("user:1")));
        assertTrue(s.owns(k("é:1")));
        assertFalse(s.owns(k("user:tmp:1")));
        assertFalse(s.owns(k("order:1")));
        assertFalse(s.owns(k("use")));
    }

    @Test
    void dbs() {
        KeyScope only = new KeyScope(List.of(), List.of(), Set.of(0, 4), Set.of());
        assertFalse(only.unrestricted());
        assertTrue(only.ownsDb(4));
        assertFalse(only.ownsDb(1));
        KeyScope allBut = new KeyScope(List.of(), List.of(), null, Set.of(3));
        assertFalse(allBut.unrestricted());
        assertTrue(allBut.ownsDb(0));
        assertFalse(allBut.ownsDb(3));
    }
}
