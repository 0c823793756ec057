// Moves a partition's leadership with Kafka's own Admin client (kafkajs has no API for it), for
// kafkajs-patches/leader-move.int-spec.ts: reorders the partition's replicas, waits for the reassignment to finish, then elects
// the preferred (first) replica. Run as a single-file program against the jars tools/kafka fetches:
//   java -cp '<libs>/*' MoveLeader.java <bootstrap> <topic> <partition> <replica,replica,...>
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;

public class MoveLeader {
    public static void main(String[] args) throws Exception {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        TopicPartition partition = new TopicPartition(args[1], Integer.parseInt(args[2]));
        List<Integer> replicas = new ArrayList<>();
        for (String replica : args[3].split(",")) {
            replicas.add(Integer.parseInt(replica));
        }
        try (Admin admin = Admin.create(config)) {
            admin.alterPartitionReassignments(Map.of(partition, Optional.of(new NewPartitionReassignment(replicas)))).all().get();
            while (!admin.listPartitionReassignments(Set.of(partition)).reassignments().get().isEmpty()) {
                Thread.sleep(50);
            }
            admin.electLeaders(ElectionType.PREFERRED, Set.of(partition)).partitions().get();
        }
        System.out.println(replicas.get(0));
    }
}
