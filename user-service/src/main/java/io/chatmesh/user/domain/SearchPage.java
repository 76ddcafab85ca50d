package io.chatmesh.user.domain;

import java.util.List;

/** One page of SearchUsers; {@code nextPageToken} is empty on the last page. */
public record SearchPage(List<User> users, String nextPageToken) {}
