/**
 * Replicating from a source node the way a Redis replica does (checked against Redis' {@code replication.c} and
 * against redis-server 7.0 in the tests):
 * <ul>
 *   <li>Handshake: {@code REPLCONF listening-port}, {@code REPLCONF capa eof capa psync2}, then
 *       {@code PSYNC <replid|?> <offset|-1>}. The source may send "\n" keep-alives before the PSYNC reply (while a
 *       diskless sync waits for more replicas) and before the RDB header (while a disk-based BGSAVE runs).</li>
 *   <li>Offsets: {@code +FULLRESYNC id N} means the RDB covers the stream up to N; the first stream byte is N+1. A
 *       replica that has consumed up to R reports {@code REPLCONF ACK R} and resumes with {@code PSYNC id R+1}
 *       (replica side: {@code cached_master->reploff+1}; master side: skips {@code psync_offset -
 *       repl_backlog->offset} bytes of the backlog). Sending R instead repeats one byte.</li>
 *   <li>The RDB comes as {@code $<len>\r\n<bytes>} (no CRLF after it) or, diskless, as
 *       {@code $EOF:<40-byte mark>\r\n<bytes><mark>}; the command stream follows directly.</li>
 *   <li>After a diskless transfer the source holds the command stream back until the replica's first ACK, and
 *       ignores an ACK that arrives before it has reaped its RDB child: keep ACKing until stream bytes come.</li>
 *   <li>The source drops a PSYNC replica whose last ACK is older than {@code repl-timeout} (60 s by default), so
 *       ACKs go out on a timer even while the consumer is stalled.</li>
 *   <li>After {@code +CONTINUE} the source does not repeat SELECT: the DB selected at the resume offset must be
 *       saved with the offset and restored by whoever parses the stream.</li>
 * </ul>
 */
package io.redismigrate.connector.replication;
