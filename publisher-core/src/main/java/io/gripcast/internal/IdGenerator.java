package io.gripcast.internal;

import io.gripcast.item.Publication;
import java.util.ArrayList;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives items without an id a random one before the first attempt, so every retry carries the
 * same id and the proxy's id cache drops a second copy (grip-spec §7.2).
 */
public final class IdGenerator {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private IdGenerator() {}

  /**
   * 128 bits, URL-safe: collisions are negligible within a cache window. The second half mixes the
   * monotonic clock into the random bits. Why: a JVM restored from a snapshot (Lambda SnapStart,
   * CRaC) restores ThreadLocalRandom's seeds too, so two functions restored from one snapshot would
   * otherwise draw the same ids, and the proxy would drop the second one's items as duplicates;
   * their clocks do not agree to the nanosecond.
   */
  public static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    byte[] b = new byte[16];
    long a = r.nextLong();
    long c = r.nextLong() ^ (System.nanoTime() * 0x9E3779B97F4A7C15L);
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (a >>> (8 * i));
      b[8 + i] = (byte) (c >>> (8 * i));
    }
    return B64.encodeToString(b);
  }

  /**
   * The publications with ids filled in. The same item object published on several channels gets
   * one id (the cache is per channel, so that is safe and keeps the copies recognisable).
   */
  public static List<Publication> withIds(List<Publication> publications) {
    List<Publication> out = null;
    Map<Object, io.gripcast.item.Item> assigned = null;
    for (int i = 0; i < publications.size(); i++) {
      Publication p = publications.get(i);
      if (p.item().id() != null) {
        if (out != null) {
          out.add(p);
        }
        continue;
      }
      if (out == null) {
        out = new ArrayList<>(publications.subList(0, i));
        assigned = new IdentityHashMap<>();
      }
      io.gripcast.item.Item withId = assigned.computeIfAbsent(p.item(), it -> ((io.gripcast.item.Item) it).withId(newId()));
      out.add(new Publication(p.channel(), withId));
    }
    return out == null ? publications : out;
  }
}
