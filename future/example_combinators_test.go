package future_test

import (
	"errors"
	"fmt"

	"github.com/goasyncio/asyncio/future"
)

func ExampleAll() {
	prices := []future.Promise[int]{future.NewPromise[int](), future.NewPromise[int](), future.NewPromise[int]()}
	all := future.All(prices[0].Future(), prices[1].Future(), prices[2].Future())

	// Completion order does not matter; the values keep argument order.
	_ = prices[2].Resolve(30)
	_ = prices[0].Resolve(10)
	_ = prices[1].Resolve(20)

	v, err := all.Result()
	fmt.Println(v, err)
	// Output: [10 20 30] <nil>
}

func ExampleAllSettled() {
	ok, bad := future.NewPromise[string](), future.NewPromise[string]()
	settled := future.AllSettled(ok.Future(), bad.Future())
	_ = bad.Reject(errors.New("disk full"))
	_ = ok.Resolve("saved")

	results, _ := settled.Result()
	for i, r := range results {
		fmt.Printf("%d: value=%q err=%v\n", i, r.Value, r.Err)
	}
	// Output:
	// 0: value="saved" err=<nil>
	// 1: value="" err=disk full
}

func ExampleAny() {
	mirrors := []future.Promise[string]{future.NewPromise[string](), future.NewPromise[string]()}
	first := future.Any(mirrors[0].Future(), mirrors[1].Future())
	_ = mirrors[0].Reject(errors.New("mirror 0 is down"))
	_ = mirrors[1].Resolve("payload from mirror 1")
	fmt.Println(first.Result())

	// When every input fails, the error holds them all, in argument order.
	a, b := future.NewPromise[int](), future.NewPromise[int]()
	failed := future.Any(a.Future(), b.Future())
	_ = a.Reject(errors.New("a failed"))
	_ = b.Reject(errors.New("b failed"))
	var agg *future.AggregateError
	if errors.As(failed.Err(), &agg) {
		fmt.Println(agg.Errors)
	}
	// Output:
	// payload from mirror 1 <nil>
	// [a failed b failed]
}

func ExampleRace() {
	work, timeout := future.NewPromise[string](), future.NewPromise[string]()
	winner := future.Race(work.Future(), timeout.Future())

	_ = timeout.Reject(errors.New("too slow"))
	_ = work.Resolve("done") // too late: the race is settled

	_, err := winner.Result()
	fmt.Println(err)
	// Output: too slow
}

func ExampleCatch() {
	notFound := errors.New("not found")
	lookup := future.NewPromise[string]()
	withDefault := future.Catch(lookup.Future(), func(err error) (string, error) {
		if errors.Is(err, notFound) {
			return "default", nil // recover
		}
		return "", err // pass any other error on
	})
	_ = lookup.Reject(notFound)
	fmt.Println(withDefault.Result())
	// Output: default <nil>
}

func ExampleFinally() {
	conn := future.NewPromise[int]()
	logged := future.Finally(conn.Future(), func() {
		fmt.Println("releasing the slot")
	})
	_ = conn.Reject(errors.New("refused"))
	fmt.Println(logged.Err())
	// Output:
	// releasing the slot
	// refused
}

// OnEach is the fan-in under the combinators: a callback per input, as
// each completes, the complete ones first.
func ExampleOnEach() {
	a, b, c := future.NewPromise[string](), future.NewPromise[string](), future.NewPromise[string]()
	fs := []*future.Future[string]{a.Future(), b.Future(), c.Future()}
	_ = b.Resolve("b, complete before")
	future.OnEach(fs, nil, func(i int) {
		v, _ := fs[i].Result()
		fmt.Println(i, v)
	})
	_ = c.Resolve("c, later")
	_ = a.Resolve("a, last")
	// Output:
	// 1 b, complete before
	// 2 c, later
	// 0 a, last
}
