package io.redismigrate.connector.command;

import io.redismigrate.connector.resp.ServerInfo;

import java.util.function.Predicate;

/**
 * One row of the {@link CommandDialect} table: a replicated command form that some targets lack, who may send it,
 * who can apply it as is, and what a target without it gets instead (or that it is refused).
 *
 * @param command    the command name, upper case ("SET")
 * @param form       the form the row is about, for messages and precheck ("SET … PXAT|EXAT")
 * @param sentBy     whether a source of that version may put the form in its replication stream
 * @param targetHas  whether a target of that version applies the form as is
 * @param needs      the servers that apply it, for messages ("Redis 6.2+")
 * @param refused    no exact equivalent: the job stops when the form reaches a target without it
 * @param translate  the translation for a target without it: returns the same array when {@code args} does not use
 *                   the form (the row's command name matched, but not its options); unused when refused
 */
public record DialectRule(String command, String form, Predicate<ServerInfo> sentBy, Predicate<ServerInfo> targetHas,
                          String needs, boolean refused, Translator translate) {

    /** Rewrites one command; returns {@code args} itself when nothing of the row's form is in it. */
    @FunctionalInterface
    public interface Translator {
        byte[][] apply(byte[][] args, ServerInfo target);
    }

    /** One line for precheck: "SET … PXAT|EXAT (Redis 6.2+)". */
    public String describe() {
        return form + " (" + needs + ")";
    }
}
