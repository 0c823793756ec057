// Prints Kafka's own murmur2 hash and default-partitioner partition for each key of a file, so the TypeScript
// partitioner can be compared with the Java client's (libs/kafka/src/partitioner.int-spec.ts). Run with Java 11+
// as a single-file program against the jars tools/kafka fetches:
//   java -cp '<kafka libs>/*' Murmur2Table.java <keys file: one hex key per line> <partition counts, comma-separated>
// Output: one line per key: murmur2, then the partition for each count, tab-separated.
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.apache.kafka.common.utils.Utils;

public class Murmur2Table {
  public static void main(String[] args) throws Exception {
    String[] counts = args[1].split(",");
    StringBuilder out = new StringBuilder();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      byte[] key = HexFormat.of().parseHex(line.trim());
      int hash = Utils.murmur2(key);
      out.append(hash);
      for (String count : counts) out.append('\t').append(Utils.toPositive(hash) % Integer.parseInt(count));
      out.append('\n');
    }
    System.out.print(out);
  }
}
