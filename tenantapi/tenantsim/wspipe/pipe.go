// Package wspipe joins two WebSocket connections frame by frame: the
// simulated remote access service's session between the client (browser,
// native ssh) and the device's relay.
package wspipe

import (
	"context"
	"errors"
	"io"

	"github.com/coder/websocket"
)

// First is the first message of a waiting client, or why it left.
type First struct {
	Type websocket.MessageType
	Data []byte
	Err  error
}

// Pipe copies frames both ways until either end closes, then closes both
// (a normal close is passed on with its reason). The first message from a
// comes through first (read while waiting for b).
func Pipe(a, b *websocket.Conn, first <-chan First) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 2)
	go func() {
		select {
		case f := <-first:
			if f.Err != nil {
				done <- f.Err
				return
			}
			if err := b.Write(ctx, f.Type, f.Data); err != nil {
				done <- err
				return
			}
		case <-ctx.Done():
			done <- ctx.Err()
			return
		}
		done <- copyFrames(ctx, b, a)
	}()
	go func() { done <- copyFrames(ctx, a, b) }()
	err := <-done
	code, reason := websocket.StatusNormalClosure, ""
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		code, reason = ce.Code, ce.Reason
	}
	if code == websocket.StatusNoStatusRcvd || code == websocket.StatusAbnormalClosure {
		code = websocket.StatusNormalClosure
	}
	go a.Close(code, reason)
	go b.Close(code, reason)
	cancel()
	<-done
	a.CloseNow()
	b.CloseNow()
}

// copyFrames copies messages from src to dst, frame type kept.
func copyFrames(ctx context.Context, dst, src *websocket.Conn) error {
	buf := make([]byte, 32<<10)
	for {
		typ, r, err := src.Reader(ctx)
		if err != nil {
			return err
		}
		wr, err := dst.Writer(ctx, typ)
		if err != nil {
			return err
		}
		if _, err := io.CopyBuffer(wr, r, buf); err != nil {
			return err
		}
		if err := wr.Close(); err != nil {
			return err
		}
	}
}
