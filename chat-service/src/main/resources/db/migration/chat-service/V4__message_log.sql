-- sent_messages becomes chat-service's message log (docs/send-path.md): every posted message
-- under its room and seq, logged (committed) before it is published. A room's last_message_seq
-- says how far its log is published; everything logged after it is published by the room's next
-- relay. So a committed message is never lost and a seq is never handed out twice.
--
-- The seq used to live only inside the stored message bytes: V5 (a Java migration, which can
-- read them) copies it into this column, and V6 makes it required.
ALTER TABLE sent_messages ADD COLUMN seq bigint;
