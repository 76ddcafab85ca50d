package io.chatmesh.platform.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.proto.common.v1.ErrorReason;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The reasons the services put in ErrorInfo and StreamError are exactly the contract's
 * ErrorReason values (without their ERROR_REASON_ prefix): one list, in both directions.
 */
class ErrorReasonsTest {

    private static final String PREFIX = "ERROR_REASON_";

    @Test
    void everyReasonIsAnErrorReasonOfTheContractAndEveryErrorReasonIsUsed() {
        var javaReasons = Arrays.stream(ChatmeshException.Reason.values()).map(Enum::name).toList();
        var contractReasons = Arrays.stream(ErrorReason.values())
                .filter(r -> r != ErrorReason.ERROR_REASON_UNSPECIFIED && r != ErrorReason.UNRECOGNIZED)
                .map(r -> r.name().substring(PREFIX.length()))
                .toList();

        assertThat(javaReasons).containsExactlyInAnyOrderElementsOf(contractReasons);
    }
}
