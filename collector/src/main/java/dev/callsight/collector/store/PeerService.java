package dev.callsight.collector.store;

/** A caller's peer ({@code serverAddress:serverPort}) seen answered by {@code service}, {@code spans} times. */
public record PeerService(String serverAddress, int serverPort, String service, long spans) {}
