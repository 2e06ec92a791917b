package io.redismigrate.connector.sink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sink writer's checkpointed state: the fences it had applied on the target when the checkpoint was taken
 * (every write before the barrier is answered by then). A fence only moves forward while a split streams (a new
 * snapshot of the split resets it, on every writer), so on restore each one must still be on the target at that
 * offset or beyond: a fence missing or behind means the target lost writes since (flushed, restarted without
 * persistence, failed over to a lagging replica), and replaying from the restored offsets would lose or repeat
 * data. {@link #check} is how the writers tell.
 *
 * @param offsets split id → fence slot (-1 on a standalone target) → offset
 */
public record AppliedFences(Map<String, Map<Integer, Long>> offsets) {
    public static final int STANDALONE = -1;

    /** Looks up a fence on the target now: null when the key is missing. */
    interface Lookup {
        Long fence(String split, int slot);
    }

    /** The restored states of every writer merged (after a rescale a writer may get several, or none). */
    static AppliedFences merge(Collection<AppliedFences> restored) {
        Map<String, Map<Integer, Long>> m = new HashMap<>();
        for (AppliedFences f : restored) {
            f.offsets.forEach((split, slots) -> slots.forEach((slot, off) ->
                    m.computeIfAbsent(split, s -> new HashMap<>()).merge(slot, off, Math::max)));
        }
        return new AppliedFences(m);
    }

    /**
     * Throws when a fence restored here is missing or behind on the target.
     *
     * @param target the target's address, for the message
     */
    void check(Lookup target, String targetName) throws TargetLostWritesException {
        List<String> behind = new ArrayList<>();
        for (Map.Entry<String, Map<Integer, Long>> split : offsets.entrySet()) {
            for (Map.Entry<Integer, Long> f : split.getValue().entrySet()) {
                if (f.getValue() < 0) continue;
                Long now = target.fence(split.getKey(), f.getKey());
                if (now != null && now >= f.getValue()) continue;
                String where = f.getKey() == STANDALONE ? "" : " (slot " + f.getKey() + ")";
                behind.add("the fence of source split " + split.getKey() + where
                        + (now == null ? " is missing" : " is at offset " + now) + ", expected at least " + f.getValue());
            }
        }
        if (behind.isEmpty()) return;
        throw new TargetLostWritesException("target " + targetName + " lost writes since the checkpoint this job was"
                + " restored from: " + behind.get(0) + (behind.size() > 1 ? " (and " + (behind.size() - 1) + " more)" : "")
                + ". It was flushed, restarted without persistence or failed over to a lagging replica; continuing"
                + " would lose or repeat writes, so nothing was written. Start a new migration: empty the target DBs in"
                + " scope and run without --from-savepoint / flink run -s");
    }
}
