package dev.inferbus.events.drift;

/**
 * The drift alarm's terms, in one place for the functions that write its metric, the CDK stack that alarms on it,
 * and the test that proves a shifted workload trips it.
 *
 * <p>The alarm watches {@value #METRIC}, the largest input PSI of a model, at the conventional PSI reading: below
 * 0.1 no shift, 0.1–0.2 a moderate one worth watching, above {@value #THRESHOLD} a shift the model was not trained
 * for. Each value is one container's PSI over its window of recent requests (see the functions' drift window), so
 * the alarm takes the {@value #STATISTIC} over {@value #PERIOD_MINUTES} minutes: traffic keyed to one container (a
 * Kinesis shard's devices) that drifts alone must not be averaged away by the others.
 *
 * <p>A second alarm, on the same terms, watches {@value #SCORE_METRIC}: the PSI of the model's output score over the
 * same window against the scores it gave its training data. It catches what the inputs' PSI can miss — several
 * features shifting a little each, together moving the answers — and says the shift reached the results.
 */
public final class DriftAlarm {

    public static final String METRIC = "PsiMax";
    public static final String SCORE_METRIC = "ScorePsi";
    public static final double THRESHOLD = 0.2;
    public static final String STATISTIC = "Maximum";
    public static final int PERIOD_MINUTES = 15;

    private DriftAlarm() {
    }
}
