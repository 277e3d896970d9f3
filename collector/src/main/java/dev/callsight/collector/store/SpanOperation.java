package dev.callsight.collector.store;

/** A span name a service has sent, with the span's OTLP kind number. */
public record SpanOperation(String name, int kind) {}
