package io.dsistream.models.ids;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * When the ID space's balance needs attention. A report is {@code alert} when any figure passes its alert bound,
 * {@code warn} when any passes its warn bound, else {@code ok}. Leaf sizes are judged relative to the documents
 * per leaf an even spread would give ({@link BalanceReport#meanLeaf()}), so the bounds hold across corpus sizes.
 *
 * @param minNormalizedEntropyWarn warn below this normalised leaf-occupancy entropy (1 = perfectly even)
 * @param minNormalizedEntropyAlert alert below this
 * @param maxLeafOverMeanWarn warn when the largest leaf holds more than this many times the mean leaf size
 * @param maxLeafOverMeanAlert alert above this
 * @param giniWarn warn above this Gini coefficient of leaf sizes
 * @param giniAlert alert above this
 */
public record BalanceThresholds(double minNormalizedEntropyWarn, double minNormalizedEntropyAlert,
                                double maxLeafOverMeanWarn, double maxLeafOverMeanAlert,
                                double giniWarn, double giniAlert) implements Serializable {

    /** The three states of a health report. */
    public enum Status { OK, WARN, ALERT }

    /** A status and the figures that caused it, e.g. {@code normalized_entropy 0.71 < 0.80}. */
    public record Verdict(Status status, List<String> reasons) {
    }

    public BalanceThresholds {
        if (minNormalizedEntropyAlert > minNormalizedEntropyWarn) {
            throw new IllegalArgumentException("entropy alert bound " + minNormalizedEntropyAlert
                    + " must not exceed its warn bound " + minNormalizedEntropyWarn);
        }
        if (maxLeafOverMeanAlert < maxLeafOverMeanWarn || giniAlert < giniWarn) {
            throw new IllegalArgumentException("alert bounds must not be below warn bounds: max leaf "
                    + maxLeafOverMeanWarn + "/" + maxLeafOverMeanAlert + ", gini " + giniWarn + "/" + giniAlert);
        }
    }

    /** Entropy warn 0.80 / alert 0.60, largest leaf 8× / 32× the mean, Gini 0.5 / 0.7. */
    public static BalanceThresholds defaults() {
        return new BalanceThresholds(0.80, 0.60, 8, 32, 0.5, 0.7);
    }

    /** The verdict on {@code report}; an empty index is ok. */
    public Verdict judge(BalanceReport report) {
        List<String> warn = new ArrayList<>();
        List<String> alert = new ArrayList<>();
        if (report.documents() == 0) {
            return new Verdict(Status.OK, List.of());
        }
        double entropy = report.normalizedEntropy();
        if (entropy < minNormalizedEntropyAlert) {
            alert.add(String.format("normalized_entropy %.3f < %.3f", entropy, minNormalizedEntropyAlert));
        } else if (entropy < minNormalizedEntropyWarn) {
            warn.add(String.format("normalized_entropy %.3f < %.3f", entropy, minNormalizedEntropyWarn));
        }
        double ratio = report.maxLeaf() / Math.max(1e-9, report.meanLeaf());
        if (ratio > maxLeafOverMeanAlert) {
            alert.add(String.format("max_leaf/mean_leaf %.2f > %.2f", ratio, maxLeafOverMeanAlert));
        } else if (ratio > maxLeafOverMeanWarn) {
            warn.add(String.format("max_leaf/mean_leaf %.2f > %.2f", ratio, maxLeafOverMeanWarn));
        }
        if (report.gini() > giniAlert) {
            alert.add(String.format("gini %.3f > %.3f", report.gini(), giniAlert));
        } else if (report.gini() > giniWarn) {
            warn.add(String.format("gini %.3f > %.3f", report.gini(), giniWarn));
        }
        if (!alert.isEmpty()) {
            alert.addAll(warn);
            return new Verdict(Status.ALERT, List.copyOf(alert));
        }
        return new Verdict(warn.isEmpty() ? Status.OK : Status.WARN, List.copyOf(warn));
    }
}
