// Package compat will hold bridges for code migrating to this module:
// generator-style coroutines in the manner of @asyncio.coroutine and
// yield from, and adapters between callback APIs and futures.
//
// It is empty for now; see the project's issue on compat and migration.
package compat
