package dev.callsight.collector.store.spanlog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Rewrites an hour's partition to the spans of the traces it keeps, crash-safely. The new partition is built whole
 * beside the old one ({@code <hour>.compacting}: segments forced, index committed, then a {@value #MARKER} file forced
 * last), and only then swapped in by two renames ({@code <hour>} to {@code <hour>.replaced}, the new one to
 * {@code <hour>}), each made durable. A crash at any point leaves either the old partition or a complete new one,
 * and {@link #recover} finishes or undoes what it finds on the next start.
 */
final class PartitionCompaction {

    /** In a partition: it is compacted (and, beside one, it was built whole). */
    static final String MARKER = "COMPACTED";
    private static final String BUILDING = ".compacting";
    private static final String REPLACED = ".replaced";
    private static final Logger LOG = Logger.getLogger(PartitionCompaction.class.getName());

    private PartitionCompaction() {
    }

    static boolean compacted(Path partition) {
        return Files.exists(partition.resolve(MARKER));
    }

    /**
     * Writes the spans of the hour's log whose trace {@code keep} accepts, and their index, into the partition's
     * new copy, complete with its marker.
     *
     * @return the new copy's directory, and how many spans it holds
     */
    static Built build(SpanLog log, long hour, Predicate<String> keep, long segmentBytes) throws IOException {
        Path partition = log.directory(hour);
        Path building = beside(partition, BUILDING);
        SpanLog.deleteTree(building);
        Files.createDirectories(building);
        long[] kept = {0};
        try (SpanLog.SegmentWriter segments = new SpanLog.SegmentWriter(building, hour, segmentBytes);
                PartitionIndex index = PartitionIndex.openWritable(hour, building.resolve("index"))) {
            log.read(LogPosition.startOf(hour), log.endOf(hour), (after, payload) -> {
                List<SpanCodec.Slice> spans = new ArrayList<>();
                for (SpanCodec.Slice slice : SpanCodec.spans(payload)) {
                    if (keep.test(slice.traceId())) {
                        spans.add(slice);
                    }
                }
                if (!spans.isEmpty()) {
                    byte[] record = SpanCodec.batch(spans);
                    index.add(SpanDocuments.ofRecord(segments.append(record), record));
                    kept[0] += spans.size();
                }
            });
            segments.close();
            index.seal(segments.end());
        }
        try (FileChannel marker = FileChannel.open(building.resolve(MARKER), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            ByteBuffer text = ByteBuffer.wrap(("spans kept: " + kept[0] + "\n").getBytes(StandardCharsets.UTF_8));
            while (text.hasRemaining()) {
                marker.write(text);
            }
            marker.force(true);
        }
        SpanLog.forceDirectory(building);
        return new Built(building, kept[0]);
    }

    /** A partition's new copy, built whole. */
    record Built(Path directory, long spans) {}

    /**
     * Puts a built copy in its partition's place; the old partition is left beside it for the caller to delete once
     * nothing reads it.
     *
     * @return where the old partition now is
     */
    static Path install(Path building) throws IOException {
        Path partition = withoutSuffix(building, BUILDING);
        Path replaced = beside(partition, REPLACED);
        SpanLog.deleteTree(replaced);
        if (Files.exists(partition)) {
            Files.move(partition, replaced, StandardCopyOption.ATOMIC_MOVE);
            SpanLog.forceDirectory(partition.getParent());
        }
        Files.move(building, partition, StandardCopyOption.ATOMIC_MOVE);
        SpanLog.forceDirectory(partition.getParent());
        return replaced;
    }

    /**
     * Finishes or undoes compactions a crash interrupted, before the log and the indexes are opened: a new copy built
     * whole is put in place, one built in part is deleted, and an old partition left beside its replacement is
     * deleted (or put back, had its replacement gone missing).
     */
    static void recover(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        for (Path building : entries(root, BUILDING)) {
            if (Files.exists(building.resolve(MARKER))) {
                LOG.warning("span store: finishing the interrupted compaction of " + name(building));
                SpanLog.deleteTree(install(building));
            } else {
                LOG.warning("span store: deleting the unfinished compaction " + name(building));
                SpanLog.deleteTree(building);
            }
        }
        for (Path replaced : entries(root, REPLACED)) {
            Path partition = withoutSuffix(replaced, REPLACED);
            if (Files.isDirectory(partition)) {
                SpanLog.deleteTree(replaced);
            } else {
                Files.move(replaced, partition, StandardCopyOption.ATOMIC_MOVE);
                SpanLog.forceDirectory(root);
            }
        }
    }

    private static List<Path> entries(Path root, String suffix) throws IOException {
        try (Stream<Path> entries = Files.list(root)) {
            return entries.filter(entry -> name(entry).endsWith(suffix)).sorted().toList();
        }
    }

    private static Path beside(Path partition, String suffix) {
        return partition.resolveSibling(name(partition) + suffix);
    }

    private static Path withoutSuffix(Path path, String suffix) {
        return path.resolveSibling(name(path).substring(0, name(path).length() - suffix.length()));
    }

    private static String name(Path path) {
        return path.getFileName().toString();
    }
}
