package io.gripcast.cli.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The bench report, as text for people or as JSON for scripts. */
public final class Report {
  private final Map<String, Object> data = new LinkedHashMap<>();

  public Report(
      List<String> endpoints, int batch, int concurrency, int size, List<Payloads.Kind> kinds, boolean ids,
      PublishLoop.Phase phase, List<Subscribers.Subscriber> subscribers, boolean waitTimedOut, Duration subscribeTimeout) {
    double secs = phase.seconds();
    List<String> formats = new ArrayList<>();
    kinds.forEach(k -> formats.add(k.wireName()));
    data.put("endpoints", endpoints);
    data.put("batch", batch);
    data.put("concurrency", concurrency);
    data.put("sizeBytes", size);
    data.put("formats", formats);
    data.put("ids", ids);
    data.put("seconds", secs);
    data.put("items", phase.okItems());
    data.put("requests", phase.okCalls());
    data.put("itemsPerSecond", phase.okItems() / secs);
    data.put("requestsPerSecond", phase.okCalls() / secs);
    data.put("errors", phase.failedCalls());
    data.put("failedItems", phase.failedItems());
    data.put("errorsByKind", phase.failuresByKind());
    data.put("errorMessages", phase.firstMessages());
    data.put("latencyMs", latency(phase.latency()));
    // the bench process's own CPU (publisher, JIT, GC and all) per item: what publishing costs the client
    data.put("clientCpuSeconds", phase.cpuSeconds());
    data.put("clientCpuMicrosPerItem", phase.cpuSeconds() < 0 || phase.okItems() == 0 ? null : phase.cpuSeconds() * 1e6 / phase.okItems());
    if (!subscribers.isEmpty()) {
      List<Object> subs = new ArrayList<>();
      for (Subscribers.Subscriber s : subscribers) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", s.url());
        m.put("delivered", s.delivered());
        m.put("expected", phase.okItems());
        m.put("duplicates", s.duplicates());
        // never silent: which accepted items did not arrive, and the likely reason
        Subscribers.Missing missing = s.missing(phase);
        m.put("lost", missing.count());
        m.put("lostSeqs", missing.count() == 0 ? null : missing.rangesText());
        m.put("lossReason", Subscribers.lossReason(s, missing, waitTimedOut, subscribeTimeout));
        m.put("latencyMs", latency(s.latency()));
        m.put("error", s.error());
        subs.add(m);
      }
      data.put("subscribers", subs);
    }
  }

  private static Map<String, Object> latency(LatencyHistogram h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p50", h.percentile(50) / 1e6);
    m.put("p90", h.percentile(90) / 1e6);
    m.put("p99", h.percentile(99) / 1e6);
    m.put("max", h.max() / 1e6);
    return m;
  }

  /** The report's values by JSON name (for tests). */
  public Map<String, Object> data() {
    return data;
  }

  public String json() {
    return ReportJson.write(data);
  }

  @SuppressWarnings("unchecked")
  public String text() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("gripcast bench: %s, batch %d, concurrency %d, %d-byte %s, %s%n",
        String.join(" + ", (List<String>) data.get("endpoints")), data.get("batch"), data.get("concurrency"),
        data.get("sizeBytes"), String.join("+", (List<String>) data.get("formats")),
        (boolean) data.get("ids") ? "with ids" : "without ids"));
    sb.append(String.format("  published    %,d items in %,d requests in %.2f s%n", data.get("items"), data.get("requests"), data.get("seconds")));
    sb.append(String.format("  throughput   %,.0f items/s, %,.0f requests/s%n", data.get("itemsPerSecond"), data.get("requestsPerSecond")));
    sb.append(String.format("  errors       %d calls (%d items)%s%n", data.get("errors"), data.get("failedItems"),
        ((Map<String, Long>) data.get("errorsByKind")).isEmpty() ? "" : " " + data.get("errorsByKind")));
    ((Map<String, String>) data.get("errorMessages")).forEach((k, v) -> sb.append(String.format("    %s: %s%n", k, v)));
    if (data.get("clientCpuMicrosPerItem") != null) {
      sb.append(String.format("  client CPU   %.2f s, %.1f us per item (this process, all threads)%n",
          data.get("clientCpuSeconds"), data.get("clientCpuMicrosPerItem")));
    }
    sb.append("  call latency ").append(latencyText((Map<String, Object>) data.get("latencyMs")))
        .append("  (publish call to its result)\n");
    List<Object> subs = (List<Object>) data.get("subscribers");
    if (subs != null) {
      for (Object o : subs) {
        Map<String, Object> m = (Map<String, Object>) o;
        long lost = (long) m.get("lost");
        sb.append(String.format("  subscriber   %s: %,d of %,d delivered%s%s, end-to-end %s%s%n", m.get("url"), m.get("delivered"),
            m.get("expected"), lost > 0 ? String.format(", %,d LOST", lost) : "",
            ((long) m.get("duplicates")) > 0 ? " (+" + m.get("duplicates") + " duplicates)" : "",
            latencyText((Map<String, Object>) m.get("latencyMs")), m.get("error") == null ? "" : "; " + m.get("error")));
        if (lost > 0) {
          sb.append(String.format("    lost items %s%n    why        %s%n", m.get("lostSeqs"), m.get("lossReason")));
        }
      }
    }
    return sb.toString().stripTrailing();
  }

  /** One line per subscriber that missed accepted items: who, how many, which and why. */
  @SuppressWarnings("unchecked")
  public List<String> lossWarnings() {
    List<String> out = new ArrayList<>();
    List<Object> subs = (List<Object>) data.get("subscribers");
    if (subs != null) {
      for (Object o : subs) {
        Map<String, Object> m = (Map<String, Object>) o;
        long lost = (long) m.get("lost");
        if (lost > 0) {
          out.add(String.format("subscriber %s did not receive %,d of %,d accepted items (%s): %s",
              m.get("url"), lost, m.get("expected"), m.get("lostSeqs"), m.get("lossReason")));
        }
      }
    }
    return out;
  }

  private static String latencyText(Map<String, Object> l) {
    return String.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms", l.get("p50"), l.get("p90"), l.get("p99"), l.get("max"));
  }
}
