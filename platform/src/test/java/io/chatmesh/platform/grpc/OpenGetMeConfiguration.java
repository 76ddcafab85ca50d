package io.chatmesh.platform.grpc;

import io.chatmesh.platform.auth.AuthPolicy;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** For test servers of gRPC server behaviour: UserService.GetMe needs no token, so tests call it bare. */
@Configuration(proxyBeanMethods = false)
class OpenGetMeConfiguration {

    @Bean
    AuthPolicy openGetMe() {
        return new AuthPolicy(Set.of(UserServiceGrpc.getGetMeMethod().getFullMethodName()), Set.of());
    }
}
