package dev.callsight.collector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a command that writes a file puts its text: the file named by {@code -o}, or stdout without one. */
final class CommandOutput {

    private CommandOutput() {
    }

    static void write(Path output, String text) throws IOException {
        if (output == null) {
            System.out.print(text);
        } else {
            Files.writeString(output, text, StandardCharsets.UTF_8);
        }
    }
}
