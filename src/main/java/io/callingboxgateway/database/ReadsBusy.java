package io.callingboxgateway.database;

/** Every read place of this replica stayed taken for {@code gateway.reads.max-wait}: answered 503. */
public class ReadsBusy extends RuntimeException {

    /** Seconds a refused reader is asked to wait: reads end within the statement timeout, most far sooner. */
    public static final int RETRY_AFTER_SECONDS = 1;

    ReadsBusy(int places) {
        super(
                "this replica already serves " + places + " reads at once; try again shortly or on another replica",
                null,
                false,
                false);
    }
}
