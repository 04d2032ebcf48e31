package loop

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"sync"
)

// servicesFile is the services database GetNameInfo reads, where the
// system has one: /etc/services on Unix-like systems.
var servicesFile = "/etc/services"

var (
	servicesOnce sync.Once
	services     map[string]string // "443/tcp" -> "https"
)

// serviceName returns the name of port on network from the services
// database, or "" if it has none.
func serviceName(network string, port uint16) string {
	servicesOnce.Do(loadServices)
	return services[strconv.Itoa(int(port))+"/"+network]
}

// loadServices reads the services database: "name port/proto aliases...".
// The first name given for a port wins, as getservbyport returns it.
func loadServices() {
	services = map[string]string{}
	f, err := os.Open(servicesFile)
	if err != nil {
		return // no database: GetNameInfo returns numbers
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		if _, ok := services[fields[1]]; !ok {
			services[fields[1]] = fields[0]
		}
	}
}
