module github.com/goasyncio/asyncio

go 1.26.0

require github.com/sourcegraph/conc v0.3.0

require (
	github.com/stretchr/testify v1.12.1 // indirect
	go.uber.org/goleak v1.3.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
)
