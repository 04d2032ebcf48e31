package streams

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/internal/offloop"
	"github.com/goasyncio/asyncio/loop/internal/task"
)

// acceptRetryDelay is how long a server waits after an accept fails with
// a resource error (too many open files, say) before accepting again:
// asyncio's ACCEPT_RETRY_DELAY, one second.
const acceptRetryDelay = time.Second

// Handler serves one accepted connection (asyncio's client_connected_cb).
// It runs as a task of the server's loop, named after the peer's address,
// with the connection's two sides. When it returns, the connection is
// closed once its buffered bytes are sent. An error it returns, other than
// a cancellation, goes to the loop's exception handler.
type Handler func(ctx context.Context, r *Reader, w *Writer) error

// AcceptError is what a Server hands the loop's exception handler when
// accepting fails (asyncio logs "socket.accept() out of system
// resource"). The server goes on accepting after RetryIn.
type AcceptError struct {
	Addr    net.Addr
	Err     error
	RetryIn time.Duration
}

func (e *AcceptError) Error() string {
	return fmt.Sprintf("streams: accept on %v: %v (retrying in %v)", e.Addr, e.Err, e.RetryIn)
}

// Unwrap returns the accept error.
func (e *AcceptError) Unwrap() error { return e.Err }

// Server accepts connections and runs a Handler for each (asyncio's
// Server). It is made by StartServer, serving at once, and is safe for
// concurrent use. Its zero value is not usable.
type Server struct {
	l       *loop.Loop
	host    *task.Host
	ln      net.Listener
	cfg     config
	handler Handler
	unreg   func()
	quit    chan struct{} // closed by Close: the accept goroutine ends

	mu      sync.Mutex // protects the fields below
	closed  bool
	clients map[*stream]struct{}
	tasks   map[*future.Future[struct{}]]struct{}
	pending int                      // accepted connections not yet handed to a task
	idle    future.Promise[struct{}] // resolved once closed with nothing left
	accepts sync.WaitGroup
}

// StartServer listens on address (network "tcp", "tcp4", "tcp6" or
// "unix") and serves every connection with handler, each as a task of
// the loop running ctx's coroutine (asyncio's start_server, and
// start_unix_server for "unix"). WithTLS makes it a TLS server: each
// handshake runs before its handler, off the loop, bounded by
// WithHandshakeTimeout.
//
// ctx must be a coroutine's context: outside one StartServer returns an
// error matching loop.ErrNoRunningLoop. A goroutine accepts; neither the
// loop's thread nor a worker waits in Accept. The loop's Close closes the
// server and its connections.
func StartServer(ctx context.Context, handler Handler, network, address string, opts ...Option) (*Server, error) {
	if ctx == nil || handler == nil {
		return nil, fmt.Errorf("%w: StartServer: nil context or handler", future.ErrNil)
	}
	l, err := loop.GetRunningLoop(ctx)
	if err != nil {
		return nil, fmt.Errorf("streams: StartServer: %w", err)
	}
	cfg := newConfig(opts)
	if cfg.bad != nil {
		return nil, cfg.bad
	}
	lc := cfg.listen
	if lc == nil {
		lc = new(net.ListenConfig)
	}
	ln, err := offloop.Run(ctx, func(ctx context.Context) (net.Listener, error) {
		return lc.Listen(ctx, network, address)
	}, func(ln net.Listener) {
		if ln != nil {
			_ = ln.Close()
		}
	})
	if err != nil {
		return nil, err
	}
	s := &Server{
		l: l, host: task.Of(ctx).Host(), ln: ln, cfg: cfg, handler: handler,
		quit:    make(chan struct{}),
		clients: make(map[*stream]struct{}),
		tasks:   make(map[*future.Future[struct{}]]struct{}),
		idle:    future.NewPromise[struct{}](),
	}
	// The loop's Close may call close as soon as it is registered: the
	// lock orders this setup before it.
	s.mu.Lock()
	unreg, ok := s.host.AddCloser(func() { s.close(true) })
	s.unreg = unreg
	s.mu.Unlock()
	if !ok {
		_ = ln.Close()
		return nil, fmt.Errorf("streams: StartServer: %w", loop.ErrClosed)
	}
	s.accepts.Add(1)
	go s.acceptLoop()
	return s, nil
}

// Addr returns the address the server listens on (asyncio's
// sockets[0].getsockname()): with port 0 in StartServer, the port chosen.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// IsServing reports whether the server accepts connections (asyncio's
// is_serving).
func (s *Server) IsServing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.closed
}

// acceptLoop accepts until the listener closes, handing each connection
// to a goroutine that runs its handshake and starts its task.
func (s *Server) acceptLoop() {
	defer s.accepts.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			select {
			case <-s.quit:
				return
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.l.CallExceptionHandler(&AcceptError{Addr: s.ln.Addr(), Err: err, RetryIn: s.cfg.acceptWait})
			t := time.NewTimer(s.cfg.acceptWait)
			select {
			case <-t.C: // accept again: descriptors may have been freed
			case <-s.quit:
				t.Stop()
				return
			}
			continue
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			_ = c.Close()
			return
		}
		s.pending++
		s.mu.Unlock()
		s.accepts.Add(1)
		go s.start(c)
	}
}

// start readies connection c (its TLS handshake) and runs its handler as a
// task of the loop.
func (s *Server) start(c net.Conn) {
	defer s.accepts.Done()
	var nc net.Conn = c
	if s.cfg.tls != nil {
		ctx, cancel := context.WithCancel(context.Background())
		stop := context.AfterFunc(quitContext(s.quit), cancel)
		tc, err := handshake(ctx, tls.Server(c, s.cfg.tls), s.cfg)
		stop()
		cancel()
		if err != nil {
			s.l.CallExceptionHandler(fmt.Errorf("streams: TLS handshake with %v: %w", c.RemoteAddr(), err))
			s.settle(func() { s.pending-- })
			return
		}
		nc = tc
	}
	st := hostStream(s.host, nc, &s.cfg)
	st.server = true // read by StartTLS only, on the handler's task
	r, w := &Reader{st}, &Writer{st}
	body := func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.handler(ctx, r, w)
	}
	s.mu.Lock()
	s.pending--
	if s.closed {
		s.mu.Unlock()
		st.abort()
		s.settle(nil)
		return
	}
	s.clients[st] = struct{}{}
	f := loop.CreateTask(s.l, body, loop.TaskName(nc.RemoteAddr().String()))
	s.tasks[f] = struct{}{}
	s.mu.Unlock()
	whenDone(f, func() { s.finished(f, st) })
}

// whenDone calls fn once f completes: on the completing goroutine, or at
// once if f is complete already (a handler can finish, and a connection
// close, before its callback is registered; OnDone alone would then never
// call fn, and WaitClosed would wait forever).
func whenDone[T any](f *future.Future[T], fn func()) {
	if !f.OnDone(fn) {
		fn()
	}
}

// finished closes a handler's connection and reports its error.
func (s *Server) finished(f *future.Future[struct{}], st *stream) {
	err := f.Err()
	if err != nil && !errors.Is(err, future.ErrCancelled) {
		s.l.CallExceptionHandler(fmt.Errorf("streams: handler for %v: %w", st.conn().RemoteAddr(), err))
	}
	(&Writer{st}).Close()
	// The connection counts until it is closed, as asyncio's wait_closed
	// waits for every connection.
	whenDone(st.closed.Future(), func() {
		s.settle(func() {
			delete(s.tasks, f)
			delete(s.clients, st)
		})
	})
}

// settle applies change under the lock and resolves idle if the server is
// closed with nothing left.
func (s *Server) settle(change func()) {
	s.mu.Lock()
	if change != nil {
		change()
	}
	done := s.closed && s.pending == 0 && len(s.tasks) == 0 && len(s.clients) == 0
	s.mu.Unlock()
	if done {
		_ = s.idle.Resolve(struct{}{})
	}
}

// Close stops the server listening and cancels the handlers still running
// (their pending Read, Drain or other wait returns the cancellation); each
// connection is closed when its handler returns. It returns at once;
// WaitClosed waits for the handlers and connections. Idempotent.
//
// asyncio's close stops listening only, and leaves the handlers running;
// here they are cancelled, as the loop's Close would cancel them, so that
// WaitClosed cannot wait forever on a client that stays idle. To let
// handlers finish instead, have them watch a context of your own.
func (s *Server) Close() { s.close(false) }

func (s *Server) close(abort bool) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		if abort {
			s.AbortClients()
		}
		return
	}
	s.closed = true
	tasks := make([]*future.Future[struct{}], 0, len(s.tasks))
	for f := range s.tasks {
		tasks = append(tasks, f)
	}
	s.mu.Unlock()
	close(s.quit)
	_ = s.ln.Close()
	s.unreg()
	for _, f := range tasks {
		f.Cancel(fmt.Errorf("streams: server closed: %w", net.ErrClosed))
	}
	if abort {
		s.AbortClients()
	}
	s.settle(nil)
}

// CloseClients closes every connection the server has accepted (asyncio
// 3.13's close_clients): each once its buffered bytes are sent. Handlers
// then read EOF and fail to write.
func (s *Server) CloseClients() {
	for _, st := range s.clientList() {
		(&Writer{st}).Close()
	}
}

// AbortClients closes every connection the server has accepted at once,
// dropping unsent bytes (asyncio 3.13's abort_clients).
func (s *Server) AbortClients() {
	for _, st := range s.clientList() {
		st.abort()
	}
}

func (s *Server) clientList() []*stream {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*stream, 0, len(s.clients))
	for st := range s.clients {
		out = append(out, st)
	}
	return out
}

// WaitClosed waits until the server is closed, every handler has returned
// and every connection it accepted is closed (asyncio's wait_closed, as of
// 3.12). It returns nil then, or ctx's error if ctx ends first.
func (s *Server) WaitClosed(ctx context.Context) error {
	_, err := future.Await(ctx, s.idle.Future())
	if err == nil {
		s.accepts.Wait() // the accept goroutines have nothing left to do
	}
	return err
}

// ServeForever waits until ctx ends or the server is closed (asyncio's
// serve_forever). When ctx ends first, it closes the server, waits for it
// to be closed, and returns ctx's error; after Close it returns nil.
func (s *Server) ServeForever(ctx context.Context) error {
	_, err := future.Await(ctx, quitFuture(s.quit))
	if err == nil {
		return nil
	}
	s.Close()
	if werr := s.WaitClosed(context.WithoutCancel(ctx)); werr != nil {
		return werr
	}
	return err
}

// quitFuture returns a future resolved when quit closes.
func quitFuture(quit <-chan struct{}) *future.Future[struct{}] {
	p := future.NewPromise[struct{}]()
	context.AfterFunc(quitContext(quit), func() { _ = p.Resolve(struct{}{}) })
	return p.Future()
}

// quitContext is a context done when quit closes.
func quitContext(quit <-chan struct{}) context.Context { return chanContext(quit) }

type chanContext <-chan struct{}

func (c chanContext) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c chanContext) Done() <-chan struct{}       { return c }
func (c chanContext) Value(any) any               { return nil }
func (c chanContext) Err() error {
	select {
	case <-c:
		return context.Canceled
	default:
		return nil
	}
}
