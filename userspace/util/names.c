// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "util/names.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const close_names[CLOSE_MAX] = {
	[CLOSE_NONE] = "none",
	[CLOSE_NORMAL] = "normal",
	[CLOSE_CLIENT_RST] = "client_rst",
	[CLOSE_SERVER_RST] = "server_rst",
	[CLOSE_TIMEOUT] = "timeout",
	[CLOSE_CLIENT_HALF_CLOSE] = "client_half_close",
	[CLOSE_SERVER_HALF_CLOSE] = "server_half_close",
	[CLOSE_SYN_NO_ANSWER] = "syn_no_answer",
	[CLOSE_SYNACK_NO_ACK] = "synack_no_ack",
	[CLOSE_SERVER_RESET] = "server_reset",
	[CLOSE_ESTABLISH_RST] = "establish_rst",
	[CLOSE_PORT_REUSE] = "port_reuse",
	[CLOSE_QUEUE_OVERFLOW] = "queue_overflow",
	[CLOSE_FORCED] = "forced",
};

/* Names as they appear in logs and in netobs_* metric labels. */
static const char *const counter_names[CNT_MAX] = {
	[CNT_PACKETS] = "packets",
	[CNT_FLOW_PACKETS] = "flow_packets",
	[CNT_NON_IP] = "non_ip",
	[CNT_OTHER_L4] = "other_l4",
	[CNT_FRAGMENTS] = "ip_fragments",
	[CNT_FLOWS_CREATED] = "flows_created",
	[CNT_FLOWS_EVICTED] = "flows_evicted",
	[CNT_FLOW_TABLE_FULL] = "flow_table_full",
	[CNT_SAMPLED_OUT] = "sampled_out",
	[CNT_FLOW_BUSY] = "flow_busy",
	[CNT_DUMP_BUSY] = "read_busy",
	[CNT_RINGBUF_FULL] = "ringbuf_full",
	[CNT_GAP_FORGOTTEN] = "gap_forgotten",
	[CNT_LAT_FOLDED] = "latency_sample_folded",
	[CNT_LAT_LOST] = "latency_sample_lost",
	[CNT_LEN_FROM_FRAME] = "ip_length_zero",
	[CNT_LEN_OVER_FRAME] = "ip_length_past_frame",
	[CNT_LEN_OVER_PPPOE] = "ip_length_past_pppoe",
	[CNT_TCP_OPT_CUT] = "tcp_options_cut",
	[CNT_ERR_ETH_TRUNC] = "eth_truncated",
	[CNT_ERR_VLAN_TRUNC] = "vlan_truncated",
	[CNT_ERR_VLAN_DEPTH] = "vlan_too_deep",
	[CNT_ERR_PPPOE_TRUNC] = "pppoe_truncated",
	[CNT_ERR_MPLS_TRUNC] = "mpls_truncated",
	[CNT_ERR_MPLS_DEPTH] = "mpls_too_deep",
	[CNT_ERR_IP4_TRUNC] = "ipv4_truncated",
	[CNT_ERR_IP4_HDR] = "ipv4_bad_header",
	[CNT_ERR_IP4_LEN] = "ipv4_bad_length",
	[CNT_ERR_IP6_TRUNC] = "ipv6_truncated",
	[CNT_ERR_IP6_EXT_TRUNC] = "ipv6_ext_truncated",
	[CNT_ERR_IP6_EXT_DEPTH] = "ipv6_ext_too_many",
	[CNT_ERR_TCP_TRUNC] = "tcp_truncated",
	[CNT_ERR_TCP_HDR] = "tcp_bad_header",
	[CNT_ERR_TCP_OPT] = "tcp_bad_option",
	[CNT_ERR_UDP_TRUNC] = "udp_truncated",
	[CNT_ERR_UDP_LEN] = "udp_bad_length",
};

static const char *const anomaly_names[] = {
	"syn_repeat", "synack_repeat", "queue_overflow", "zero_window", "rst", "port_reuse",
};

const char *close_type_name(int close_type)
{
	if (close_type < 0 || close_type >= CLOSE_MAX)
		return "unknown";
	return close_names[close_type];
}

const char *counter_name(int counter)
{
	if (counter < 0 || counter >= CNT_MAX || !counter_names[counter])
		return "unknown";
	return counter_names[counter];
}

const char *anomaly_name(unsigned int bit)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(anomaly_names); i++)
		if (bit == 1U << i)
			return anomaly_names[i];
	return "unknown";
}
