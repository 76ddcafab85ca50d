package io.chatmesh.user.domain;

import java.time.Instant;

/** What LogIn and RefreshToken hand out. */
public record TokenPair(String accessToken, Instant accessTokenExpireTime,
        String refreshToken, Instant refreshTokenExpireTime) {}
