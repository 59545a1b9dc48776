// tc BPF programs standing in for 802.1Q in a kernel built without
// CONFIG_VLAN_8021Q and CONFIG_BRIDGE_VLAN_FILTERING (the lab VM's):
//   vlan_in:  frames entering VLAN VID's world: untagged -> tag VID;
//             already tagged VID -> as is; tagged otherwise -> drop.
//   vlan_out: frames leaving it: tagged VID -> untag; anything else -> drop.
// An access port is vlan_in on ingress + vlan_out on egress; a host's
// tagged interface (a vmk on a VLAN, the NetApp's e0a-10) is the reverse.
// Compiled once per VID: clang -O2 -target bpf -DVID=10 -c vlan.bpf.c
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#ifndef VID
#error "compile with -DVID=N"
#endif

static long (*skb_vlan_push)(struct __sk_buff *skb, __u16 proto, __u16 tci) = (void *)BPF_FUNC_skb_vlan_push;
static long (*skb_vlan_pop)(struct __sk_buff *skb) = (void *)BPF_FUNC_skb_vlan_pop;

__attribute__((section("classifier/vlan_in"), used)) int vlan_in(struct __sk_buff *skb)
{
	if (skb->vlan_present)
		return (skb->vlan_tci & 0x0fff) == VID ? TC_ACT_OK : TC_ACT_SHOT;
	if (skb_vlan_push(skb, __builtin_bswap16(0x8100), VID))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

__attribute__((section("classifier/vlan_out"), used)) int vlan_out(struct __sk_buff *skb)
{
	if (!skb->vlan_present || (skb->vlan_tci & 0x0fff) != VID)
		return TC_ACT_SHOT;
	if (skb_vlan_pop(skb))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

char _license[] __attribute__((section("license"), used)) = "GPL";
