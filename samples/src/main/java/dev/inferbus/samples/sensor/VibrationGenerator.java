package dev.inferbus.samples.sensor;

import java.util.SplittableRandom;

/**
 * Seeded windows of {@value #WINDOW} vibration readings from a rotating machine.
 *
 * <p>A healthy machine vibrates at its shaft frequency (4 cycles per window, amplitude 0.8–1.2) and a blade-pass
 * harmonic (9 cycles, amplitude 0.2–0.4), each at a random phase, plus sensor noise (σ = 0.05). Faults add energy
 * outside that pattern:
 * <ul>
 *   <li>{@link Fault#IMPACT}: 1–3 bearing impacts, spikes of ±1.5–3;</li>
 *   <li>{@link Fault#IMBALANCE}: a new component at 23 cycles, amplitude 0.4–0.8;</li>
 *   <li>{@link Fault#DRIFT}: a loosening mount, a ramp up to 1–2 over the window.</li>
 * </ul>
 */
public final class VibrationGenerator {

    public static final int WINDOW = 64;

    public enum Fault { NONE, IMPACT, IMBALANCE, DRIFT }

    private final SplittableRandom random;

    public VibrationGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    public double[] normal() {
        return window(Fault.NONE);
    }

    /** A faulty window, the fault drawn uniformly. */
    public double[] anomalous() {
        Fault[] faults = {Fault.IMPACT, Fault.IMBALANCE, Fault.DRIFT};
        return window(faults[random.nextInt(faults.length)]);
    }

    public double[] window(Fault fault) {
        double a1 = uniform(0.8, 1.2);
        double a2 = uniform(0.2, 0.4);
        double p1 = uniform(0, 2 * Math.PI);
        double p2 = uniform(0, 2 * Math.PI);
        double[] x = new double[WINDOW];
        for (int t = 0; t < WINDOW; t++) {
            x[t] = a1 * StrictMath.sin(2 * Math.PI * 4 * t / WINDOW + p1) + a2 * StrictMath.sin(2 * Math.PI * 9 * t / WINDOW + p2)
                    + 0.05 * gaussian();
        }
        switch (fault) {
            case IMPACT -> {
                int impacts = 1 + random.nextInt(3);
                for (int i = 0; i < impacts; i++) {
                    x[random.nextInt(WINDOW)] += (random.nextBoolean() ? 1 : -1) * uniform(1.5, 3);
                }
            }
            case IMBALANCE -> {
                double a3 = uniform(0.4, 0.8);
                double p3 = uniform(0, 2 * Math.PI);
                for (int t = 0; t < WINDOW; t++) {
                    x[t] += a3 * StrictMath.sin(2 * Math.PI * 23 * t / WINDOW + p3);
                }
            }
            case DRIFT -> {
                double top = uniform(1, 2);
                for (int t = 0; t < WINDOW; t++) {
                    x[t] += top * t / (WINDOW - 1);
                }
            }
            case NONE -> {
            }
        }
        return x;
    }

    private double uniform(double from, double to) {
        return from + (to - from) * random.nextDouble();
    }

    private double gaussian() {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return StrictMath.sqrt(-2 * StrictMath.log(u)) * StrictMath.cos(2 * Math.PI * v);
    }
}
