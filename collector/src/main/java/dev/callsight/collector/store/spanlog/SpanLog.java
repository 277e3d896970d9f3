package dev.callsight.collector.store.spanlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The append-only span log: under {@code root}, one directory per hour of arrival ({@code yyyy-MM-dd-HH}, UTC) holding
 * numbered segment files ({@code 000001.log}) of records, each an int payload length, the payload's CRC32C and the
 * payload. Appends are group-committed: callers queue their records, one writer thread writes every queued record,
 * forces the file once ({@code fdatasync}) and only then answers all of them, so concurrent requests share one
 * fsync. A crash mid-write leaves a torn tail, which {@link #open} cuts off at the first record whose CRC fails.
 */
final class SpanLog implements AutoCloseable {

    /** A partition's span of time: records are filed under the hour (UTC) the log appends them in. */
    static final long HOUR_MILLIS = 3_600_000L;

    /** Reads a record: the position after it and its payload. */
    interface RecordSink {
        void accept(LogPosition after, byte[] payload) throws IOException;
    }

    static final DateTimeFormatter HOUR_NAME = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH").withZone(ZoneOffset.UTC);
    private static final Logger LOG = Logger.getLogger(SpanLog.class.getName());
    private static final int HEADER_BYTES = 8;
    /** Larger than any request the collector admits; a larger length can only be a torn or damaged header. */
    private static final int MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;
    /** Most bytes one group writes before its fsync, so a flood of requests still gets answers steadily. */
    private static final long MAX_GROUP_BYTES = 16L * 1024 * 1024;

    private final Path root;
    private final Clock clock;
    private final long maxSegmentBytes;
    /** Every segment, by its start position (hour, segment, 0). */
    private final NavigableMap<LogPosition, Path> segments = new ConcurrentSkipListMap<>();
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final Object endChanged = new Object();
    private volatile LogPosition end;
    private volatile boolean closed;
    /** Only the writer thread touches the active segment. */
    private FileChannel active;
    private LogPosition activeEnd;

    private SpanLog(Path root, Clock clock, long maxSegmentBytes, LogPosition end) {
        this.root = root;
        this.clock = clock;
        this.maxSegmentBytes = maxSegmentBytes;
        this.end = end;
        this.writer = new Thread(this::writeLoop, "callsight-span-log");
        writer.setDaemon(true);
    }

    /**
     * Opens the log under {@code root}, creating it if need be, and cuts a torn tail off the last segment. Appends
     * go to a new segment, so no earlier file is written again.
     */
    static SpanLog open(Path root, Clock clock, long maxSegmentBytes) throws IOException {
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> hours = Files.list(root)) {
                for (Path hour : hours.filter(SpanLog::isHourDirectory).toList()) {
                    try (Stream<Path> files = Files.list(hour)) {
                        files.filter(file -> file.getFileName().toString().endsWith(".log")).forEach(found::add);
                    }
                }
            }
        }
        NavigableMap<LogPosition, Path> segments = new ConcurrentSkipListMap<>();
        for (Path file : found) {
            segments.put(segmentStart(file), file);
        }
        LogPosition end = LogPosition.START;
        if (!segments.isEmpty()) {
            var last = segments.lastEntry();
            long valid = validLength(last.getValue());
            if (valid < Files.size(last.getValue())) {
                truncate(last.getValue(), valid);
            }
            end = new LogPosition(last.getKey().hour(), last.getKey().segment(), valid);
        }
        SpanLog log = new SpanLog(root, clock, maxSegmentBytes, end);
        log.segments.putAll(segments);
        log.writer.start();
        return log;
    }

    private static boolean isHourDirectory(Path path) {
        if (!Files.isDirectory(path)) {
            return false;
        }
        try {
            HOUR_NAME.parse(path.getFileName().toString());
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static LogPosition segmentStart(Path file) {
        long hour = Instant.from(HOUR_NAME.parse(file.getParent().getFileName() + "")).getEpochSecond() / 3600;
        String name = file.getFileName().toString();
        return new LogPosition(hour, Integer.parseInt(name.substring(0, name.length() - ".log".length())), 0);
    }

    static String hourName(long hour) {
        return HOUR_NAME.format(Instant.ofEpochSecond(hour * 3600));
    }

    private static void truncate(Path file, long length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            LOG.warning("span log: cutting a torn tail of " + (channel.size() - length) + " bytes off " + file);
            channel.truncate(length);
            channel.force(true);
        }
    }

    /** Bytes from the start of the segment up to the end of its last whole record whose CRC holds. */
    private static long validLength(Path file) throws IOException {
        long[] valid = {0};
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            readRecords(channel, 0, channel.size(), (offset, payload) -> valid[0] = offset);
        }
        return valid[0];
    }

    /** Where records are appended up to, all of them durable. */
    LogPosition end() {
        return end;
    }

    /** The end once it is past {@code position}, or the end as it is after {@code timeout}. */
    LogPosition awaitEndAfter(LogPosition position, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (endChanged) {
            while (!end.after(position) && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                endChanged.wait(Math.max(1, left / 1_000_000));
            }
        }
        return end;
    }

    /**
     * Appends one record and returns once it is durable, with the position after it.
     *
     * @throws IOException nothing durable was written (the disk is full, the directory read-only, the log closed)
     */
    LogPosition append(byte[] payload) throws IOException {
        Pending pending = new Pending(payload, new CompletableFuture<>());
        if (closed) {
            throw new IOException("span log closed");
        }
        queue.add(pending);
        if (closed && !writer.isAlive() && queue.remove(pending)) {
            throw new IOException("span log closed");
        }
        try {
            return pending.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the span log", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private void writeLoop() {
        List<Pending> group = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                long bytes = first.payload().length;
                Pending next;
                while (bytes < MAX_GROUP_BYTES && (next = queue.poll()) != null) {
                    group.add(next);
                    bytes += next.payload().length;
                }
                writeGroup(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                group.clear();
            }
        }
    }

    private void writeGroup(List<Pending> group) {
        LogPosition before = activeEnd;
        try {
            roll();
            ByteBuffer[] buffers = new ByteBuffer[group.size() * 2];
            LogPosition[] after = new LogPosition[group.size()];
            long offset = activeEnd.offset();
            for (int i = 0; i < group.size(); i++) {
                byte[] payload = group.get(i).payload();
                buffers[2 * i] = header(payload);
                buffers[2 * i + 1] = ByteBuffer.wrap(payload);
                offset += HEADER_BYTES + payload.length;
                after[i] = new LogPosition(activeEnd.hour(), activeEnd.segment(), offset);
            }
            long remaining = offset - activeEnd.offset();
            while (remaining > 0) {
                remaining -= active.write(buffers);
            }
            active.force(false);
            activeEnd = after[after.length - 1];
            publish(activeEnd);
            for (int i = 0; i < group.size(); i++) {
                group.get(i).done().complete(after[i]);
            }
        } catch (IOException | RuntimeException e) {
            abandonTail(before);
            group.forEach(pending -> pending.done().completeExceptionally(
                    e instanceof IOException ? e : new IOException(e)));
        }
    }

    /** A record's header: the payload's length and CRC32C. */
    private static ByteBuffer header(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return ByteBuffer.allocate(HEADER_BYTES).putInt(payload.length).putInt((int) crc.getValue()).flip();
    }

    /**
     * After a failed write the segment may hold part of the group: cut it back to the last durable record, or, if
     * even that fails, leave the segment (readers stop at its bad record) and start a new one on the next append.
     */
    private void abandonTail(LogPosition durable) {
        if (active == null) {
            return;
        }
        try {
            if (durable != null && durable.segment() == activeEnd.segment() && durable.hour() == activeEnd.hour()) {
                active.truncate(durable.offset());
                active.position(durable.offset());
                activeEnd = durable;
                return;
            }
        } catch (IOException e) {
            LOG.warning("span log: cannot cut back a failed write (" + e.getMessage() + "); starting a new segment");
        }
        closeActive();
    }

    /** Opens a new segment when there is none, the hour has changed, or the segment is full. */
    private void roll() throws IOException {
        long hour = Math.max(clock.millis() / HOUR_MILLIS, activeEnd == null ? Long.MIN_VALUE : activeEnd.hour());
        if (active != null && activeEnd.hour() == hour && activeEnd.offset() < maxSegmentBytes) {
            return;
        }
        closeActive();
        Path directory = root.resolve(hourName(hour));
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            forceDirectory(directory.getParent());
        }
        LogPosition last = segments.floorKey(new LogPosition(hour, Integer.MAX_VALUE, 0));
        int number = last != null && last.hour() == hour ? last.segment() + 1 : 1;
        Path file = directory.resolve(segmentName(number));
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            forceDirectory(directory);
        } catch (IOException e) {
            channel.close();
            Files.deleteIfExists(file);
            throw e;
        }
        active = channel;
        activeEnd = new LogPosition(hour, number, 0);
        segments.put(activeEnd, file);
    }

    /** Deletes a directory and everything under it, if it is there. */
    static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static String segmentName(int number) {
        return String.format("%06d.log", number);
    }

    /** Makes a new entry in a directory durable; Linux fsyncs a directory opened for reading. */
    static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private void closeActive() {
        if (active != null) {
            try {
                active.close();
            } catch (IOException e) {
                LOG.warning("span log: closing a segment failed: " + e.getMessage());
            }
            active = null;
        }
    }

    private void publish(LogPosition position) {
        synchronized (endChanged) {
            end = position;
            endChanged.notifyAll();
        }
    }

    /**
     * Reads every record after {@code from} up to {@code to}, in order. A segment is read until {@code to}, its end,
     * or a record that fails its CRC (left there by a write that failed and could not be cut back).
     */
    void read(LogPosition from, LogPosition to, RecordSink sink) throws IOException {
        for (var segment : segments.tailMap(new LogPosition(from.hour(), from.segment(), 0), true).entrySet()) {
            LogPosition start = segment.getKey();
            if (start.after(to)) {
                return;
            }
            boolean last = start.hour() == to.hour() && start.segment() == to.segment();
            long fromOffset = start.hour() == from.hour() && start.segment() == from.segment() ? from.offset() : 0;
            try (FileChannel channel = FileChannel.open(segment.getValue(), StandardOpenOption.READ)) {
                readRecords(channel, fromOffset, last ? to.offset() : channel.size(),
                        (offset, payload) -> sink.accept(new LogPosition(start.hour(), start.segment(), offset),
                                payload));
            } catch (NoSuchFileException e) {
                // Dropped by retention while being read.
                continue;
            }
            if (last) {
                return;
            }
        }
    }

    /** Reads one segment's records between two offsets; the sink gets the offset after each record. */
    private interface OffsetSink {
        void accept(long after, byte[] payload) throws IOException;
    }

    private static void readRecords(FileChannel channel, long from, long to, OffsetSink sink) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        long offset = from;
        while (offset + HEADER_BYTES <= to) {
            header.clear();
            if (readFully(channel, header, offset) < HEADER_BYTES) {
                return;
            }
            header.flip();
            int length = header.getInt();
            int crc = header.getInt();
            if (length < 0 || length > MAX_PAYLOAD_BYTES || offset + HEADER_BYTES + length > to) {
                return;
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            if (readFully(channel, payload, offset + HEADER_BYTES) < length) {
                return;
            }
            CRC32C check = new CRC32C();
            check.update(payload.array());
            if ((int) check.getValue() != crc) {
                return;
            }
            offset += HEADER_BYTES + length;
            sink.accept(offset, payload.array());
        }
    }

    private static int readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        int read = 0;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + read);
            if (n < 0) {
                break;
            }
            read += n;
        }
        return read;
    }

    /** The hours that have segments, oldest first. */
    NavigableSet<Long> hours() {
        NavigableSet<Long> hours = new TreeSet<>();
        segments.keySet().forEach(start -> hours.add(start.hour()));
        return hours;
    }

    /** The end of an hour's last segment as it is on disk: where indexing that hour is complete. */
    LogPosition endOf(long hour) {
        LogPosition last = segments.floorKey(new LogPosition(hour, Integer.MAX_VALUE, 0));
        if (last == null || last.hour() != hour) {
            return LogPosition.startOf(hour);
        }
        try {
            return new LogPosition(hour, last.segment(), Files.size(segments.get(last)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory of an hour's partition. */
    Path directory(long hour) {
        return root.resolve(hourName(hour));
    }

    /** Forgets an hour's segments, before its directory is deleted; never the hour being appended to. */
    void forget(long hour) {
        segments.keySet().removeIf(start -> start.hour() == hour);
    }

    /** Reads an hour's segments from its directory again, after compaction replaced them; never the active hour. */
    void reload(long hour) throws IOException {
        List<Path> files;
        try (Stream<Path> listed = Files.list(directory(hour))) {
            files = listed.filter(file -> file.getFileName().toString().endsWith(".log")).toList();
        }
        forget(hour);
        for (Path file : files) {
            segments.put(segmentStart(file), file);
        }
    }

    /**
     * Writes records into new segments of one hour in another directory (compaction's copy of a partition), in the
     * log's format and numbering, a new segment past {@code maxSegmentBytes}; {@link #close} forces them to disk.
     */
    static final class SegmentWriter implements AutoCloseable {

        private final Path directory;
        private final long hour;
        private final long maxSegmentBytes;
        private FileChannel channel;
        private LogPosition end;

        SegmentWriter(Path directory, long hour, long maxSegmentBytes) {
            this.directory = directory;
            this.hour = hour;
            this.maxSegmentBytes = maxSegmentBytes;
            this.end = LogPosition.startOf(hour);
        }

        /** Appends a record and returns the position after it. */
        LogPosition append(byte[] payload) throws IOException {
            if (channel == null || end.offset() >= maxSegmentBytes) {
                closeSegment();
                end = new LogPosition(hour, end.segment() + 1, 0);
                channel = FileChannel.open(directory.resolve(segmentName(end.segment())),
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
            ByteBuffer[] buffers = {header(payload), ByteBuffer.wrap(payload)};
            long remaining = HEADER_BYTES + payload.length;
            while (remaining > 0) {
                remaining -= channel.write(buffers);
            }
            end = new LogPosition(hour, end.segment(), end.offset() + HEADER_BYTES + payload.length);
            return end;
        }

        /** Where the written records end. */
        LogPosition end() {
            return end;
        }

        private void closeSegment() throws IOException {
            if (channel != null) {
                channel.force(false);
                channel.close();
                channel = null;
            }
        }

        @Override
        public void close() throws IOException {
            closeSegment();
        }
    }

    /** Answers what is queued, then stops the writer; later appends fail. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new IOException("span log closed"));
        }
        closeActive();
        synchronized (endChanged) {
            endChanged.notifyAll();
        }
    }

    private record Pending(byte[] payload, CompletableFuture<LogPosition> done) {}
}
