// libcni-driver drives CNI plugins through libcni, the library containerd (go-cni), CRI-O (ocicni) and podman
// build on, so a test can run booster-cni exactly as those runtimes do: config list parsing, plugin lookup on the
// path, derived configs, prevResult chaining, the result cache for CHECK and DEL, VERSION checks.
//
//	libcni-driver ADD|CHECK|DEL|VALIDATE CONFLIST CNI_PATH CACHE_DIR CONTAINER_ID NETNS IFNAME [K=V;K=V]
//
// ADD prints the result (converted to the list's version by libcni); errors are printed to stderr, exit code 1.
// Built with Debian's golang-go and golang-github-appc-cni-dev (GOPATH mode, no module download).
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/containernetworking/cni/libcni"
)

func main() {
	if len(os.Args) < 8 {
		fmt.Fprintln(os.Stderr, "usage: libcni-driver ADD|CHECK|DEL|VALIDATE CONFLIST CNI_PATH CACHE_DIR CONTAINER_ID NETNS IFNAME [ARGS]")
		os.Exit(2)
	}
	command, conflist, cniPath, cacheDir := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	list, err := libcni.ConfListFromFile(conflist)
	if err != nil {
		fail(err)
	}
	cni := libcni.NewCNIConfigWithCacheDir(strings.Split(cniPath, ":"), cacheDir, nil)
	rt := &libcni.RuntimeConf{ContainerID: os.Args[5], NetNS: os.Args[6], IfName: os.Args[7]}
	if len(os.Args) > 8 && os.Args[8] != "" {
		for _, kv := range strings.Split(os.Args[8], ";") {
			pair := strings.SplitN(kv, "=", 2)
			rt.Args = append(rt.Args, [2]string{pair[0], pair[1]})
		}
	}
	ctx := context.Background()
	switch command {
	case "ADD":
		result, err := cni.AddNetworkList(ctx, list, rt)
		if err != nil {
			fail(err)
		}
		if err := result.Print(); err != nil {
			fail(err)
		}
	case "CHECK":
		if err := cni.CheckNetworkList(ctx, list, rt); err != nil {
			fail(err)
		}
	case "DEL":
		if err := cni.DelNetworkList(ctx, list, rt); err != nil {
			fail(err)
		}
	case "VALIDATE":
		caps, err := cni.ValidateNetworkList(ctx, list)
		if err != nil {
			fail(err)
		}
		fmt.Println(strings.Join(caps, ","))
	default:
		fail(fmt.Errorf("unknown command %q", command))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
