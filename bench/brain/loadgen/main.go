// Command loadgen drives one etcd v3 endpoint (etcd or brain) with one
// workload and prints its measurements as one JSON object on stdout. It is
// built from Debian's clientv3 sources (golang-etcd-server-dev) so both
// servers meet the same cheap, multi-connection Go client, in the manner of
// etcd's own tools/benchmark.
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"go.etcd.io/etcd/clientv3"
)

type options struct {
	endpoint    string
	workload    string
	conns       int
	clients     int
	total       int
	duration    time.Duration
	keySize     int
	valSize     int
	prefix      string
	keys        int
	conflictPct float64
	consistency string
	pageLimit   int64
	watchers    int
	rate        int
}

type result struct {
	Workload         string                 `json:"workload"`
	Ops              int64                  `json:"ops"`
	Errors           int64                  `json:"errors"`
	Seconds          float64                `json:"seconds"`
	Throughput       float64                `json:"throughput"`
	P50Ms            float64                `json:"p50Ms"`
	P99Ms            float64                `json:"p99Ms"`
	P999Ms           float64                `json:"p999Ms"`
	ClientCPUSeconds float64                `json:"clientCpuSeconds"`
	Extra            map[string]interface{} `json:"extra,omitempty"`
}

func main() {
	var o options
	flag.StringVar(&o.endpoint, "endpoint", "127.0.0.1:2379", "host:port of the server")
	flag.StringVar(&o.workload, "workload", "create", "create | preload | update | delete | get | list | watch")
	flag.IntVar(&o.conns, "conns", 8, "gRPC connections (HTTP/2) shared by the clients")
	flag.IntVar(&o.clients, "clients", 64, "concurrent clients (goroutines each with one request in flight)")
	flag.IntVar(&o.total, "total", 0, "stop after this many operations (0: no limit)")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "stop after this long (0: no limit)")
	flag.IntVar(&o.keySize, "key-size", 70, "key length in bytes")
	flag.IntVar(&o.valSize, "val-size", 256, "value length in bytes")
	flag.StringVar(&o.prefix, "prefix", "/registry/bench/", "key prefix of this run")
	flag.IntVar(&o.keys, "keys", 10000, "keys to preload, or the key space of update/get/delete")
	flag.Float64Var(&o.conflictPct, "conflict-pct", 1, "update: percentage of updates sent with a stale revision")
	flag.StringVar(&o.consistency, "consistency", "l", "get: l (linearizable) or s (serializable)")
	flag.Int64Var(&o.pageLimit, "page-limit", 500, "list: keys per page")
	flag.IntVar(&o.watchers, "watchers", 1000, "watch: watchers on the prefix")
	flag.IntVar(&o.rate, "rate", 1000, "watch: writes per second")
	flag.Parse()

	clis := make([]*clientv3.Client, o.conns)
	for i := range clis {
		c, err := clientv3.New(clientv3.Config{
			Endpoints:          []string{o.endpoint},
			DialTimeout:        5 * time.Second,
			MaxCallSendMsgSize: 4 << 20,
			MaxCallRecvMsgSize: 64 << 20,
		})
		if err != nil {
			fail("connect: %v", err)
		}
		clis[i] = c
	}
	defer func() {
		for _, c := range clis {
			c.Close()
		}
	}()

	var r result
	switch o.workload {
	case "preload":
		r = preload(o, clis)
	case "create":
		r = create(o, clis)
	case "update":
		r = update(o, clis)
	case "delete":
		r = deleteKeys(o, clis)
	case "get":
		r = get(o, clis)
	case "list":
		r = list(o, clis)
	case "watch":
		r = watch(o, clis)
	default:
		fail("unknown workload %q", o.workload)
	}
	r.Workload = o.workload
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "loadgen: "+format+"\n", args...)
	os.Exit(1)
}

func key(o options, i int) string {
	k := fmt.Sprintf("%s%d", o.prefix, i)
	if pad := o.keySize - len(k); pad > 0 {
		k = fmt.Sprintf("%s%0*d", o.prefix, o.keySize-len(o.prefix), i)
	}
	return k
}

func value(o options) string {
	b := make([]byte, o.valSize)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return string(b)
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// What one operation came to.
type outcome int

const (
	ok outcome = iota
	failed
	// stop: the client has no more work (its keys are used up); nothing was sent.
	stop
)

func check(good bool) outcome {
	if good {
		return ok
	}
	return failed
}

// run calls op from o.clients goroutines until the total or the duration is
// reached, or every client stops, and returns the measured result.
func run(o options, clis []*clientv3.Client, op func(c int, cli *clientv3.Client, n int) outcome) result {
	var issued, errors int64
	lat := make([][]time.Duration, o.clients)
	var deadline time.Time
	cpu0 := cpuSeconds()
	start := time.Now()
	if o.duration > 0 {
		deadline = start.Add(o.duration)
	}
	var wg sync.WaitGroup
	for c := 0; c < o.clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			cli := clis[c%len(clis)]
			samples := make([]time.Duration, 0, 4096)
			for n := 0; ; n++ {
				if o.total > 0 && atomic.AddInt64(&issued, 1) > int64(o.total) {
					break
				}
				t := time.Now()
				if !deadline.IsZero() && t.After(deadline) {
					break
				}
				switch op(c, cli, n) {
				case stop:
					lat[c] = samples
					return
				case failed:
					atomic.AddInt64(&errors, 1)
				}
				samples = append(samples, time.Since(t))
			}
			lat[c] = samples
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	r := summarize(lat, elapsed)
	r.Errors = errors
	r.ClientCPUSeconds = cpuSeconds() - cpu0
	return r
}

func summarize(lat [][]time.Duration, elapsed float64) result {
	var all []time.Duration
	for _, s := range lat {
		all = append(all, s...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		i := int(p * float64(len(all)))
		if i >= len(all) {
			i = len(all) - 1
		}
		return float64(all[i].Microseconds()) / 1000
	}
	return result{
		Ops:        int64(len(all)),
		Seconds:    elapsed,
		Throughput: float64(len(all)) / elapsed,
		P50Ms:      pct(0.50),
		P99Ms:      pct(0.99),
		P999Ms:     pct(0.999),
	}
}

func ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

// createTxn is kube-apiserver's create: put only if the key does not exist.
func createTxn(cli *clientv3.Client, k, v string) (*clientv3.TxnResponse, error) {
	c, cancel := ctx()
	defer cancel()
	return cli.Txn(c).If(clientv3.Compare(clientv3.ModRevision(k), "=", 0)).Then(clientv3.OpPut(k, v)).Commit()
}

// preload creates keys 0..keys-1 (untimed setup for update, delete, get and list).
func preload(o options, clis []*clientv3.Client) result {
	v := value(o)
	var next int64 = -1
	o.total = 0
	o.duration = 0
	return run(o, clis, func(c int, cli *clientv3.Client, n int) outcome {
		i := atomic.AddInt64(&next, 1)
		if i >= int64(o.keys) {
			return stop
		}
		resp, err := createTxn(cli, key(o, int(i)), v)
		return check(err == nil && resp.Succeeded)
	})
}

func create(o options, clis []*clientv3.Client) result {
	v := value(o)
	var next int64 = -1
	return run(o, clis, func(c int, cli *clientv3.Client, n int) outcome {
		i := atomic.AddInt64(&next, 1)
		resp, err := createTxn(cli, key(o, int(i)), v)
		return check(err == nil && resp.Succeeded)
	})
}

// revisions reads the mod revision of every key of the prefix, paged.
func revisions(o options, cli *clientv3.Client) map[string]int64 {
	revs := make(map[string]int64, o.keys)
	from := o.prefix
	end := clientv3.GetPrefixRangeEnd(o.prefix)
	for {
		c, cancel := ctx()
		resp, err := cli.Get(c, from, clientv3.WithRange(end), clientv3.WithLimit(10000), clientv3.WithKeysOnly())
		cancel()
		if err != nil {
			fail("read revisions: %v", err)
		}
		for _, kv := range resp.Kvs {
			revs[string(kv.Key)] = kv.ModRevision
		}
		if !resp.More || len(resp.Kvs) == 0 {
			return revs
		}
		from = string(resp.Kvs[len(resp.Kvs)-1].Key) + "\x00"
	}
}

// ownedKeys gives client c the keys i with i % clients == c, so no two clients race on a key.
func ownedKeys(o options, c int) []string {
	var ks []string
	for i := c; i < o.keys; i += o.clients {
		ks = append(ks, key(o, i))
	}
	return ks
}

// update is kube-apiserver's GuaranteedUpdate: put if unchanged, else read the current object.
func update(o options, clis []*clientv3.Client) result {
	revs := revisions(o, clis[0])
	v := value(o)
	owned := make([][]string, o.clients)
	known := make([]map[string]int64, o.clients)
	for c := range owned {
		owned[c] = ownedKeys(o, c)
		known[c] = make(map[string]int64, len(owned[c]))
		for _, k := range owned[c] {
			known[c][k] = revs[k]
		}
	}
	var conflicts int64
	r := run(o, clis, func(c int, cli *clientv3.Client, n int) outcome {
		ks := owned[c]
		if len(ks) == 0 {
			return stop
		}
		k := ks[n%len(ks)]
		rev := known[c][k]
		if rand.Float64()*100 < o.conflictPct {
			rev-- // a stale read: the compare fails and the Else branch returns the current object
		}
		cx, cancel := ctx()
		defer cancel()
		resp, err := cli.Txn(cx).
			If(clientv3.Compare(clientv3.ModRevision(k), "=", rev)).
			Then(clientv3.OpPut(k, v)).
			Else(clientv3.OpGet(k)).Commit()
		if err != nil {
			return failed
		}
		if resp.Succeeded {
			known[c][k] = resp.Header.Revision
		} else {
			atomic.AddInt64(&conflicts, 1)
			kvs := resp.Responses[0].GetResponseRange().Kvs
			if len(kvs) == 1 {
				known[c][k] = kvs[0].ModRevision
			}
		}
		return ok
	})
	r.Extra = map[string]interface{}{"conflicts": conflicts}
	return r
}

// deleteKeys is kube-apiserver's delete: delete if unchanged, else read the current object.
func deleteKeys(o options, clis []*clientv3.Client) result {
	revs := revisions(o, clis[0])
	owned := make([][]string, o.clients)
	for c := range owned {
		owned[c] = ownedKeys(o, c)
	}
	var missing int64
	o.total = 0
	r := run(o, clis, func(c int, cli *clientv3.Client, n int) outcome {
		if n >= len(owned[c]) {
			return stop
		}
		k := owned[c][n]
		cx, cancel := ctx()
		defer cancel()
		resp, err := cli.Txn(cx).
			If(clientv3.Compare(clientv3.ModRevision(k), "=", revs[k])).
			Then(clientv3.OpDelete(k)).
			Else(clientv3.OpGet(k)).Commit()
		if err != nil {
			return failed
		}
		if !resp.Succeeded {
			atomic.AddInt64(&missing, 1)
			return failed
		}
		return ok
	})
	r.Extra = map[string]interface{}{"notDeleted": missing}
	return r
}

func get(o options, clis []*clientv3.Client) result {
	var opts []clientv3.OpOption
	if o.consistency == "s" {
		opts = append(opts, clientv3.WithSerializable())
	}
	return run(o, clis, func(c int, cli *clientv3.Client, n int) outcome {
		cx, cancel := ctx()
		defer cancel()
		resp, err := cli.Get(cx, key(o, rand.Intn(o.keys)), opts...)
		return check(err == nil && len(resp.Kvs) == 1)
	})
}

// list is kube-apiserver's paginated list: pages of page-limit keys, each
// with the full count, the later ones pinned to the first page's revision.
func list(o options, clis []*clientv3.Client) result {
	end := clientv3.GetPrefixRangeEnd(o.prefix)
	var pages int64
	r := run(o, clis, func(c int, cli *clientv3.Client, n int) outcome {
		from := o.prefix
		var rev int64
		got := 0
		for {
			opts := []clientv3.OpOption{clientv3.WithRange(end), clientv3.WithLimit(o.pageLimit)}
			if rev != 0 {
				opts = append(opts, clientv3.WithRev(rev))
			}
			cx, cancel := ctx()
			resp, err := cli.Get(cx, from, opts...)
			cancel()
			if err != nil {
				return failed
			}
			atomic.AddInt64(&pages, 1)
			if rev == 0 {
				rev = resp.Header.Revision
			}
			got += len(resp.Kvs)
			if !resp.More || len(resp.Kvs) == 0 {
				return check(got == o.keys)
			}
			from = string(resp.Kvs[len(resp.Kvs)-1].Key) + "\x00"
		}
	})
	r.Extra = map[string]interface{}{"pagesPerSecond": float64(pages) / r.Seconds}
	return r
}

// watch starts o.watchers watchers on the prefix, spread over the
// connections, writes o.total keys at o.rate per second and measures each
// event's delivery latency from the write's timestamp in the value. Every
// watcher must see every write exactly once, in revision order.
func watch(o options, clis []*clientv3.Client) result {
	if o.total == 0 {
		o.total = o.rate * 10
	}
	c0, cancel0 := ctx()
	head, err := clis[0].Get(c0, "health-probe")
	cancel0()
	if err != nil {
		fail("get: %v", err)
	}
	startRev := head.Header.Revision + 1
	wctx, stopWatch := context.WithCancel(context.Background())
	defer stopWatch()
	type stats struct {
		events, disorder, gaps, responses int
		canceled                          string
		lat                               []time.Duration
	}
	st := make([]stats, o.watchers)
	var wg sync.WaitGroup
	var ready sync.WaitGroup
	for w := 0; w < o.watchers; w++ {
		wg.Add(1)
		ready.Add(1)
		go func(w int) {
			defer wg.Done()
			cli := clis[w%len(clis)]
			ch := cli.Watch(clientv3.WithRequireLeader(wctx), o.prefix, clientv3.WithPrefix(), clientv3.WithRev(startRev), clientv3.WithCreatedNotify())
			s := &st[w]
			s.lat = make([]time.Duration, 0, o.total)
			// The workload's writes are the only writes: each watcher must see every revision from startRev on.
			last := startRev - 1
			first := true
			for resp := range ch {
				if first {
					ready.Done()
					first = false
				}
				if resp.Canceled || resp.Err() != nil {
					s.canceled = fmt.Sprintf("canceled=%v err=%v", resp.Canceled, resp.Err())
				}
				now := time.Now()
				if len(resp.Events) > 0 {
					s.responses++
				}
				for _, ev := range resp.Events {
					if ev.Kv.ModRevision <= last {
						s.disorder++
					} else if ev.Kv.ModRevision != last+1 {
						s.gaps++
					}
					last = ev.Kv.ModRevision
					s.events++
					sent := int64(binary.BigEndian.Uint64(ev.Kv.Value[:8]))
					s.lat = append(s.lat, now.Sub(time.Unix(0, sent)))
				}
				if s.events >= o.total {
					return
				}
			}
			if first {
				ready.Done()
			}
		}(w)
	}
	ready.Wait()
	cpu0 := cpuSeconds()
	start := time.Now()
	// Writers: a fixed rate, spread over o.clients goroutines.
	buf := []byte(value(o))
	var wgw sync.WaitGroup
	var next int64 = -1
	var writeErrors int64
	interval := time.Duration(float64(time.Second) / float64(o.rate))
	// When each writer sent its last write: the pace the writers kept is the
	// server's throughput here, as a slow reply holds its writer back.
	lastSent := make([]time.Time, o.clients)
	for c := 0; c < o.clients; c++ {
		wgw.Add(1)
		go func(c int) {
			defer wgw.Done()
			cli := clis[c%len(clis)]
			v := make([]byte, len(buf))
			copy(v, buf)
			for {
				i := atomic.AddInt64(&next, 1)
				if i >= int64(o.total) {
					return
				}
				due := start.Add(time.Duration(i) * interval)
				if d := time.Until(due); d > 0 {
					time.Sleep(d)
				}
				sent := time.Now()
				lastSent[c] = sent
				binary.BigEndian.PutUint64(v, uint64(sent.UnixNano()))
				cx, cancel := ctx()
				_, err := cli.Put(cx, key(o, int(i)), string(v))
				cancel()
				if err != nil {
					atomic.AddInt64(&writeErrors, 1)
				}
			}
		}(c)
	}
	wgw.Wait()
	writeSeconds := time.Since(start).Seconds()
	last := start
	for _, t := range lastSent {
		if t.After(last) {
			last = t
		}
	}
	// Writes sent on schedule give exactly the target rate; only late sends lower it.
	paceSeconds := last.Sub(start).Seconds() + interval.Seconds()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		stopWatch()
		<-done
	}
	elapsed := time.Since(start).Seconds()
	lat := make([][]time.Duration, o.watchers)
	complete, disorder, events, gaps, canceled, responses := 0, 0, 0, 0, 0, 0
	cancelReason := ""
	for w := range st {
		lat[w] = st[w].lat
		events += st[w].events
		disorder += st[w].disorder
		gaps += st[w].gaps
		responses += st[w].responses
		if st[w].canceled != "" {
			canceled++
			cancelReason = st[w].canceled
		}
		if st[w].events == o.total {
			complete++
		}
	}
	r := summarize(lat, elapsed)
	r.Ops = int64(o.total)
	r.Throughput = float64(o.total) / paceSeconds
	r.Errors = writeErrors + int64(disorder) + int64(gaps) + int64(o.watchers-complete)
	r.ClientCPUSeconds = cpuSeconds() - cpu0
	r.Extra = map[string]interface{}{
		"watchers":         o.watchers,
		"writes":           o.total,
		"eventsDelivered":  events,
		"eventsExpected":   o.total * o.watchers,
		"watchersComplete": complete,
		"outOfOrder":       disorder,
		"missedRevisions":  gaps,
		"watchersCanceled": canceled,
		"cancelReason":     cancelReason,
		"writeErrors":      writeErrors,
		"eventsPerSecond":  float64(events) / elapsed,
		// Fewer responses than events: the server batched revisions for watchers that fell behind.
		"eventResponses":    responses,
		"targetWriteRate":   o.rate,
		"achievedWriteRate": float64(o.total) / paceSeconds,
		// Until the last write's reply: the old measure, which also counts that one reply's latency.
		"writeRateToLastReply": float64(o.total) / writeSeconds,
	}
	return r
}
