// Package registration is option 7's engine: the device request (create,
// accept, poll with the one cadence), the credentials it receives and
// keeps, the resumable progress and the bulk registration.
package registration
