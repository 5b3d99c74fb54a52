package io.gripcast.item;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one publish delivers, independent of the channel: up to one format of each kind, plus the
 * item id (dedupe and sequencing), the previous id on the channel, publish-side meta read by
 * subscription filters, and the no-seq flag.
 *
 * <p>Immutable; two items are equal when all their values are. Build one with
 * {@link #of(Format...)} or {@link #builder()}; bind it to a channel with {@link #on(String)} or
 * publish it to several channels at once.
 */
public final class Item {

  private final String id;
  private final String prevId;
  private final Map<String, String> meta;
  private final boolean noSeq;
  private final WsMessage wsMessage;
  private final HttpStream httpStream;
  private final HttpResponse httpResponse;

  private Item(
      String id,
      String prevId,
      Map<String, String> meta,
      boolean noSeq,
      WsMessage wsMessage,
      HttpStream httpStream,
      HttpResponse httpResponse) {
    Validation.nonEmptyIfPresent(id, "item id");
    Validation.nonEmptyIfPresent(prevId, "item prev-id");
    if (meta == null || meta.isEmpty()) {
      meta = Map.of();
    } else {
      LinkedHashMap<String, String> copy = new LinkedHashMap<>();
      meta.forEach((k, v) -> {
        if (k == null || k.isEmpty()) {
          throw new IllegalArgumentException("item meta key must be a non-empty string, but was " + Validation.quote(k));
        }
        if (v == null) {
          throw new IllegalArgumentException("item meta value for key \"" + k + "\" must be a string, but was null");
        }
        Validation.utf8Text(k, "item meta key");
        int bad = Validation.loneSurrogate(v);
        if (bad >= 0) {
          throw Validation.notUtf8(v, bad, "item meta value for key \"" + k + "\"");
        }
        copy.put(k, v);
      });
      meta = Collections.unmodifiableMap(copy);
    }
    if (wsMessage == null && httpStream == null && httpResponse == null) {
      throw new IllegalArgumentException(
          "item has no format: give at least one of WsMessage, HttpStream or HttpResponse");
    }
    this.id = id;
    this.prevId = prevId;
    this.meta = meta;
    this.noSeq = noSeq;
    this.wsMessage = wsMessage;
    this.httpStream = httpStream;
    this.httpResponse = httpResponse;
  }

  /** An item with the given formats, at most one of each kind. */
  public static Item of(Format... formats) {
    Builder b = builder();
    for (Format f : formats) {
      b.format(f);
    }
    return b.build();
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this item's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.prevId = prevId;
    b.meta.putAll(meta);
    b.noSeq = noSeq;
    b.wsMessage = wsMessage;
    b.httpStream = httpStream;
    b.httpResponse = httpResponse;
    return b;
  }

  /** This item with another id (null removes it). */
  public Item withId(String newId) {
    return new Item(newId, prevId, meta, noSeq, wsMessage, httpStream, httpResponse);
  }

  /** This item bound to {@code channel}. */
  public Publication on(String channel) {
    return new Publication(channel, this);
  }

  /**
   * The item id, or null; with Pushpin's id cache a second item with the same id on the same
   * channel within the cache window is dropped.
   */
  public String id() {
    return id;
  }

  /**
   * The id of the previous item on the channel, or null; Pushpin holds back an item whose prev-id
   * does not follow the last delivered id.
   */
  public String prevId() {
    return prevId;
  }

  /** Publish-side meta (for example {@code sender} for the skip-self filter); order kept; unmodifiable. */
  public Map<String, String> meta() {
    return meta;
  }

  /** True to skip Pushpin's reordering buffer. */
  public boolean noSeq() {
    return noSeq;
  }

  /** The ws-message format, or null. */
  public WsMessage wsMessage() {
    return wsMessage;
  }

  /** The http-stream format, or null. */
  public HttpStream httpStream() {
    return httpStream;
  }

  /** The http-response format, or null. */
  public HttpResponse httpResponse() {
    return httpResponse;
  }

  /** The formats present, in wire order: http-response, http-stream, ws-message. */
  public List<Format> formats() {
    List<Format> out = new ArrayList<>(3);
    if (httpResponse != null) {
      out.add(httpResponse);
    }
    if (httpStream != null) {
      out.add(httpStream);
    }
    if (wsMessage != null) {
      out.add(wsMessage);
    }
    return List.copyOf(out);
  }

  @Override
  public boolean equals(Object o) {
    return o == this
        || o instanceof Item i
            && noSeq == i.noSeq
            && Objects.equals(id, i.id)
            && Objects.equals(prevId, i.prevId)
            && meta.equals(i.meta)
            && Objects.equals(wsMessage, i.wsMessage)
            && Objects.equals(httpStream, i.httpStream)
            && Objects.equals(httpResponse, i.httpResponse);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, prevId, meta, noSeq, wsMessage, httpStream, httpResponse);
  }

  @Override
  public String toString() {
    return "Item[id=" + id + ", prevId=" + prevId + ", meta=" + meta + ", noSeq=" + noSeq + ", wsMessage=" + wsMessage
        + ", httpStream=" + httpStream + ", httpResponse=" + httpResponse + "]";
  }

  /** Builds an {@link Item}. Not thread-safe. */
  public static final class Builder {
    private String id;
    private String prevId;
    private final LinkedHashMap<String, String> meta = new LinkedHashMap<>();
    private boolean noSeq;
    private WsMessage wsMessage;
    private HttpStream httpStream;
    private HttpResponse httpResponse;

    private Builder() {}

    public Builder id(String id) {
      this.id = id;
      return this;
    }

    public Builder prevId(String prevId) {
      this.prevId = prevId;
      return this;
    }

    /** Adds one meta entry; a repeated key replaces the earlier value. */
    public Builder meta(String key, String value) {
      if (key == null || key.isEmpty()) {
        throw new IllegalArgumentException("item meta key must be a non-empty string, but was " + Validation.quote(key));
      }
      if (value == null) {
        throw new IllegalArgumentException("item meta value for key \"" + key + "\" must be a string, but was null");
      }
      meta.put(key, value);
      return this;
    }

    public Builder meta(Map<String, String> entries) {
      entries.forEach(this::meta);
      return this;
    }

    public Builder noSeq(boolean noSeq) {
      this.noSeq = noSeq;
      return this;
    }

    /**
     * Adds a format.
     *
     * @throws IllegalArgumentException when a format of the same kind was already added
     */
    public Builder format(Format format) {
      Validation.required(format, "format");
      if (format instanceof WsMessage w) {
        once(wsMessage, "ws-message");
        wsMessage = w;
      } else if (format instanceof HttpStream s) {
        once(httpStream, "http-stream");
        httpStream = s;
      } else {
        once(httpResponse, "http-response");
        httpResponse = (HttpResponse) format;
      }
      return this;
    }

    private static void once(Format existing, String kind) {
      if (existing != null) {
        throw new IllegalArgumentException("item already has a " + kind + " format; an item carries at most one of each kind");
      }
    }

    public Item build() {
      return new Item(id, prevId, meta, noSeq, wsMessage, httpStream, httpResponse);
    }
  }
}
