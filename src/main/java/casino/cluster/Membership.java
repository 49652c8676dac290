package casino.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/** The cluster's members as this node sees them, for the dashboard and {@code /cluster}. */
public final class Membership {
  private Membership() {}

  /**
   * A member: its address, status ({@code Joining}, {@code Up}, {@code Leaving}, {@code Exiting},
   * {@code Down}, ...), roles, whether this node's failure detector reaches it, whether it is
   * the leader, and whether it is this node.
   */
  public record Node(String address, String status, List<String> roles, boolean reachable, boolean leader,
      boolean self) {}

  /** From the cluster's current state (kept in memory by Pekko: no request to anyone). */
  public static List<Node> of(Cluster cluster) {
    ClusterEvent.CurrentClusterState state = cluster.state();
    Set<Member> unreachable = state.getUnreachable();
    Address leader = state.getLeader();
    Address self = cluster.selfMember().address();
    List<Node> nodes = new ArrayList<>();
    for (Member member : state.getMembers()) {
      nodes.add(new Node(member.address().toString(), member.status().toString(),
          member.getRoles().stream().sorted().toList(), !unreachable.contains(member),
          member.address().equals(leader), member.address().equals(self)));
    }
    return nodes;
  }
}
