package dev.inferbus.samples.fraud;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded synthetic card transactions with a known fraud mechanism.
 *
 * <p>Features are drawn independently: {@code amount} log-normal (median ≈ $40), {@code hour} weighted towards the
 * day, {@code merchantRisk} skewed low, {@code distanceKm} from home log-normal, {@code txnLast24h} Poisson(3),
 * {@code cardAgeDays} uniform over ten years, {@code foreign} 8 %, {@code online} 35 %.
 *
 * <p>The fraud mechanism: a transaction is fraud with probability {@code sigmoid(z)}, where
 * <pre>
 * z = -7.0 + 1.5·(ln(1+amount) - 3.7) + 4.0·merchantRisk + 1.0·(ln(1+distanceKm) - 2)
 *       + 0.45·(txnLast24h - 3) - 1.2·(cardAgeDays / 1000) + 1.8·foreign + 1.0·online
 * </pre>
 * so large amounts at risky merchants far from home, in bursts, on new cards, abroad and online are fraud's
 * signature. The fraud rate is about 2 %.
 */
public final class TransactionGenerator {

    public static final List<String> FEATURES = List.of(
            "amount", "hour", "merchantRisk", "distanceKm", "txnLast24h", "cardAgeDays", "foreign", "online");
    /** Columns the model sees through ln(1 + |x|), as the mechanism does. */
    public static final List<String> LOG_FEATURES = List.of("amount", "distanceKm");

    private final SplittableRandom random;

    public TransactionGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    public record Transaction(double[] features, boolean fraud) {
    }

    public Transaction next() {
        double amount = StrictMath.exp(3.7 + 1.1 * gaussian());
        double hour = Math.floor(dayWeightedHour());
        double merchantRisk = StrictMath.pow(random.nextDouble(), 2);
        double distanceKm = StrictMath.exp(2 + 1.5 * gaussian());
        double txnLast24h = poisson(3);
        double cardAgeDays = 1 + Math.floor(random.nextDouble() * 3650);
        double foreign = random.nextDouble() < 0.08 ? 1 : 0;
        double online = random.nextDouble() < 0.35 ? 1 : 0;
        double z = -7.0 + 1.5 * (StrictMath.log1p(amount) - 3.7) + 4.0 * merchantRisk + 1.0 * (StrictMath.log1p(distanceKm) - 2)
                + 0.45 * (txnLast24h - 3) - 1.2 * (cardAgeDays / 1000) + 1.8 * foreign + 1.0 * online;
        boolean fraud = random.nextDouble() < 1 / (1 + StrictMath.exp(-z));
        return new Transaction(new double[] {amount, hour, merchantRisk, distanceKm, txnLast24h, cardAgeDays, foreign, online},
                fraud);
    }

    private double dayWeightedHour() {
        // two thirds of transactions between 08:00 and 22:00
        return random.nextDouble() < 2.0 / 3 ? 8 + random.nextDouble() * 14 : random.nextDouble() * 24;
    }

    private double gaussian() {
        // Box–Muller on the seeded generator, so runs are reproducible on every JVM
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return StrictMath.sqrt(-2 * StrictMath.log(u)) * StrictMath.cos(2 * Math.PI * v);
    }

    private int poisson(double lambda) {
        double limit = StrictMath.exp(-lambda);
        double p = 1;
        int k = 0;
        do {
            k++;
            p *= random.nextDouble();
        } while (p > limit);
        return k - 1;
    }
}
