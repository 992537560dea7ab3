package plain

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/term"

	"github.com/edge-setup/edge-setup/steps"
)

func (u *UI) yesNo(prompt string, def bool) (bool, error) {
	for {
		in, err := u.readLine(prompt)
		if err != nil {
			return false, err
		}
		switch strings.ToLower(strings.TrimSpace(in)) {
		case "":
			return def, nil
		case "y", "yes":
			return true, nil
		case "n", "no":
			return false, nil
		}
		u.println("  x Answer y or n.")
	}
}

func (u *UI) readAnswer(prompt string, secret bool) (string, error) {
	if secret && u.inFile != nil {
		fmt.Fprint(u.out, prompt)
		b, err := term.ReadPassword(u.inFile.Fd())
		fmt.Fprintln(u.out)
		if err != nil {
			return "", ErrInputEnded
		}
		if len(b) > steps.MaxAnswerLength {
			u.printf("  x The answer is longer than %d characters (a paste gone wrong?): enter it again.\n", steps.MaxAnswerLength)
			return u.readAnswer(prompt, secret)
		}
		return string(b), nil
	}
	return u.readLine(prompt)
}

func (u *UI) readLine(prompt string) (string, error) {
	for {
		fmt.Fprint(u.out, prompt)
		line, tooLong, err := u.readBoundedLine()
		if errors.Is(err, errRunawayInput) {
			u.printf("\n  x The input has no line end in %d MiB: it is not typed answers (is /dev/zero or a binary file piped in?); stopping.\n", maxRunaway>>20)
			return "", ErrInputEnded
		}
		if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
			fmt.Fprintln(u.out)
			return "", ErrInputEnded
		}
		if u.inFile == nil {
			fmt.Fprintln(u.out) // piped input is not echoed: end the prompt line
		}
		if tooLong {
			u.printf("  x The answer is longer than %d characters (a paste gone wrong?): enter it again.\n", steps.MaxAnswerLength)
			continue
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
}

// maxRunaway is how much input without a line end is read before plain
// mode gives up on it.
const maxRunaway = 1 << 20

var errRunawayInput = errors.New("no line end in the input")

// readBoundedLine reads one line of at most steps.MaxAnswerLength bytes;
// the rest of a longer line is read and dropped in pieces (never held), so
// a runaway input (a 20,000 character paste, /dev/zero piped in) costs
// neither memory nor time.
func (u *UI) readBoundedLine() (line string, tooLong bool, err error) {
	var b []byte
	read := 0
	for {
		chunk, err := u.in.ReadSlice('\n')
		if read += len(chunk); read > maxRunaway {
			return "", true, errRunawayInput
		}
		if !tooLong {
			if len(b)+len(chunk) > steps.MaxAnswerLength+2 { // +2: the line end
				tooLong, b = true, nil
			} else {
				b = append(b, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if tooLong && errors.Is(err, io.EOF) {
			return "", true, nil
		}
		return string(b), tooLong, err
	}
}
