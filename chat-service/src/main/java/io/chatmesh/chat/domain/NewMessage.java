package io.chatmesh.chat.domain;

/** A message to post, as validated by the api layer. Optional ids are empty when absent. */
public record NewMessage(String roomId, String clientId, String text, String replyToId, String threadRootId,
        Mentions mentions) {}
