package io.chatmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {

    @Test
    void tallyCountsMissingAndSurplusDeliveriesOfAckedEventsOnly() {
        DeliveryLedger ledger = new DeliveryLedger(2);
        // sender 0: three events to 2 recipients; sender 1: 5000 (more than one chunk) to 3
        for (int i = 0; i < 3; i++) {
            assertThat(ledger.next(0)).isEqualTo(i);
        }
        for (int i = 0; i < 5000; i++) {
            ledger.next(1);
            ledger.acked(1, i);
            for (int r = 0; r < 3; r++) {
                assertThat(ledger.delivered(1, i)).isTrue();
            }
        }
        ledger.acked(0, 0);
        ledger.delivered(0, 0);
        ledger.delivered(0, 0);
        ledger.delivered(0, 0); // one too many
        ledger.acked(0, 1);
        ledger.delivered(0, 1); // one missing
        ledger.delivered(0, 2); // never acked

        assertThat(ledger.delivered(0, 3)).as("never numbered").isFalse();
        assertThat(ledger.delivered(2, 0)).as("no such sender").isFalse();
        assertThat(ledger.tally(new int[] {2, 3}))
                .isEqualTo(new DeliveryLedger.Tally(5003, 5002, 2 * 2 + 5000 * 3, 1, 1, 1));
    }
}
