package emulator

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"
)

// The state file is a journal: a header line, then one line per mutation,
// each "CRC32 JSON\n". A mutation is appended and fsynced before it is
// applied and answered, so an acknowledged write survives a crash (kill -9,
// power loss). A crash in the middle of an append leaves at most one torn
// last line, which loading detects and drops; a damaged line followed by
// good ones is not a torn append, so loading refuses the file rather than
// silently losing acknowledged writes. On start the journal is compacted
// into a snapshot written to a temporary file, fsynced and renamed over the
// state file, so the file never holds half a snapshot.
//
// Two emulators must not share a state file; nothing locks it.

const journalHeader = `{"format":"opencloud-emulator-state","version":1}`

// Record types.
const (
	recordVersion       = "version"
	recordOrderedSet    = "ordered-set"
	recordOrderedDelete = "ordered-delete"
)

// record is one mutation in the state file.
type record struct {
	Type     string `json:"type"`
	Universe int64  `json:"universe"`
	Store    string `json:"store"`
	Scope    string `json:"scope"`
	Key      string `json:"key"`

	// Standard data store versions.
	Seq           int64      `json:"seq,omitempty"`
	Version       string     `json:"version,omitempty"`
	Deleted       bool       `json:"deleted,omitempty"`
	Value         []byte     `json:"value,omitempty"`
	Attributes    string     `json:"attributes,omitempty"`
	UserIDs       []int64    `json:"userIds,omitempty"`
	Created       time.Time  `json:"created,omitzero"`
	ObjectCreated time.Time  `json:"objectCreated,omitzero"`
	StoreCreated  *time.Time `json:"storeCreated,omitempty"`
	FirstCreated  *time.Time `json:"firstCreated,omitempty"`

	// Ordered data store values.
	Number int64 `json:"number,omitempty"`
}

// check rejects a record that cannot be applied, before it is journaled and
// when it is replayed.
func (r *record) check() error {
	if r.Universe <= 0 {
		return fmt.Errorf("universe id %d is not positive", r.Universe)
	}
	for _, f := range []struct{ what, v string }{{"data store name", r.Store}, {"scope", r.Scope}, {"key", r.Key}} {
		if msg := checkName(f.what, f.v); msg != "" {
			return errors.New(msg)
		}
	}
	switch r.Type {
	case recordVersion:
		if r.Seq <= 0 || r.Version == "" || r.Created.IsZero() || r.ObjectCreated.IsZero() {
			return errors.New("version record without its sequence, id or times")
		}
		if !r.Deleted && !json.Valid(r.Value) {
			return errors.New("version record with a value that is not JSON")
		}
	case recordOrderedSet, recordOrderedDelete:
	default:
		return fmt.Errorf("unknown record type %q", r.Type)
	}
	return nil
}

type journal struct {
	path string
	f    *os.File
	size int64
	// broken is set when a failed append could not be cut off the file; every
	// later write fails rather than follow garbage.
	broken error
}

// openJournal loads the state file at path (if any), hands its records to
// load, writes the records load returns as the compacted state file and
// opens it for appending.
func openJournal(path string, load func([]record) ([]record, error)) (*journal, error) {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read state file: %w", err)
	}
	recs, err := parseJournal(data)
	if err != nil {
		return nil, fmt.Errorf("state file %s: %w", path, err)
	}
	snap, err := load(recs)
	if err != nil {
		return nil, fmt.Errorf("state file %s: %w", path, err)
	}
	if err := writeSnapshot(path, snap); err != nil {
		return nil, fmt.Errorf("compact state file %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, fmt.Errorf("open state file: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open state file: %w", err)
	}
	return &journal{path: path, f: f, size: st.Size()}, nil
}

// parseJournal returns the records of a state file, dropping a torn tail.
func parseJournal(data []byte) ([]record, error) {
	if len(data) == 0 {
		return nil, nil
	}
	header, rest, ok := bytes.Cut(data, []byte{'\n'})
	if !ok || string(header) != journalHeader {
		return nil, errors.New("not an emulator state file (its first line is not the state file header)")
	}
	var recs []record
	badLine := 0
	for line := 2; len(rest) > 0; line++ {
		text, next, complete := bytes.Cut(rest, []byte{'\n'})
		rest = next
		if !complete {
			// An append the crash cut short; it was never acknowledged.
			break
		}
		rec, ok := decodeLine(text)
		if !ok {
			if badLine == 0 {
				badLine = line
			}
			continue
		}
		if badLine != 0 {
			return nil, fmt.Errorf("line %d is damaged but later lines are intact, so this is not a write cut short by a crash; restore the file or remove the damaged line", badLine)
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

func encodeLine(rec *record) []byte {
	j, err := json.Marshal(rec)
	if err != nil {
		panic("emulator: marshal state record: " + err.Error())
	}
	return fmt.Appendf(nil, "%08x %s\n", crc32.ChecksumIEEE(j), j)
}

func decodeLine(line []byte) (record, bool) {
	if len(line) < 10 || line[8] != ' ' {
		return record{}, false
	}
	sum, err := strconv.ParseUint(string(line[:8]), 16, 32)
	if err != nil || uint32(sum) != crc32.ChecksumIEEE(line[9:]) {
		return record{}, false
	}
	var rec record
	if err := json.Unmarshal(line[9:], &rec); err != nil || rec.check() != nil {
		return record{}, false
	}
	return rec, true
}

// writeSnapshot replaces the file at path with the header and recs,
// atomically: a crash leaves either the old file or the new one.
func writeSnapshot(path string, recs []record) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// A bufio.Writer keeps its first write error and Flush returns it, so the writes need no checks of their own.
	w := bufio.NewWriter(tmp)
	_, _ = w.WriteString(journalHeader + "\n")
	for i := range recs {
		_, _ = w.Write(encodeLine(&recs[i]))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable. Windows cannot open a directory for
// syncing, and its renames need no such step.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// append writes one record and waits until it is on disk.
func (j *journal) append(rec *record) error {
	if j.f == nil {
		return errors.New("the state file is closed")
	}
	if j.broken != nil {
		return j.broken
	}
	line := encodeLine(rec)
	n, err := j.f.Write(line)
	if err == nil {
		err = j.f.Sync()
	}
	if err != nil {
		// Cut a partial line off, so that the next append does not follow
		// garbage and make the file unloadable.
		if terr := j.f.Truncate(j.size); terr != nil {
			j.broken = fmt.Errorf("state file %s may end in a partial record after a failed write (%v); restart the emulator to repair it", j.path, terr)
		}
		return fmt.Errorf("write state file: %w", err)
	}
	j.size += int64(n)
	return nil
}

func (j *journal) close() error {
	if j.f == nil {
		return nil
	}
	err := j.f.Sync()
	err = errors.Join(err, j.f.Close())
	j.f = nil
	return err
}
