package io.chatmesh.chat.domain;

import io.chatmesh.platform.auth.Principal;
import java.util.Collection;
import java.util.Set;

/** Port: which users exist (user-service owns them). */
public interface UserDirectory {

    /**
     * @param caller whose identity the lookup is made with
     * @param userIds at most 100 ids
     * @return the subset of {@code userIds} that are existing users
     * @throws io.chatmesh.platform.error.ChatmeshException UNAVAILABLE when the directory cannot answer
     */
    Set<String> existing(Principal caller, Collection<String> userIds);
}
