package io.chatmesh.chat.store.migration;

import com.google.protobuf.InvalidProtocolBufferException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Before the message log, a send's seq lived only inside its stored message bytes, and a send
 * whose publish had failed was marked PENDING. This copies every row's seq into the seq column
 * (V4) and turns PENDING rows into unpublished ones: their room's last_message_seq goes back to
 * just below the oldest of them, so the room's next relay publishes them (and publishes the
 * messages after them again, which consumers recognize as repeats).
 */
public class V5__SeqsOfEarlierSends extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        try (Statement rows = connection.createStatement();
                PreparedStatement setSeq = connection.prepareStatement(
                        "UPDATE sent_messages SET seq = ? WHERE sender_id = ? AND client_id = ?")) {
            try (ResultSet row = rows.executeQuery("SELECT sender_id, client_id, message FROM sent_messages")) {
                while (row.next()) {
                    setSeq.setLong(1, seqOf(row.getBytes("message")));
                    setSeq.setString(2, row.getString("sender_id"));
                    setSeq.setString(3, row.getString("client_id"));
                    setSeq.addBatch();
                }
            }
            setSeq.executeBatch();
            rows.executeUpdate("""
                    UPDATE rooms r SET last_message_seq = LEAST(r.last_message_seq, p.oldest - 1)
                    FROM (SELECT room_id, min(seq) AS oldest FROM sent_messages WHERE state = 'PENDING'
                          GROUP BY room_id) p
                    WHERE r.id = p.room_id
                    """);
        }
    }

    private static long seqOf(byte[] message) throws SQLException {
        try {
            return io.chatmesh.proto.message.v1.Message.parseFrom(message).getSeq();
        } catch (InvalidProtocolBufferException e) {
            throw new SQLException("corrupt row in sent_messages", e);
        }
    }
}
