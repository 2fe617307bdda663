package profiles

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// putFunc returns an Update edit that adds profile with c.
func putFunc(profile string, c Credentials, replace bool) func(*File) ([]byte, error) {
	return func(f *File) ([]byte, error) {
		e, err := PutCredentials(f, profile, c, replace)
		if err != nil {
			return nil, err
		}
		return e.Bytes(), nil
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestUpdateCreates(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".aws", "credentials")
	c := fakeCreds()
	res, err := Update(context.Background(), path, putFunc("default", c, false))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || !res.Changed || res.DirCreated == "" {
		t.Errorf("got %+v, want created, changed, dir created", res)
	}
	want := expand("[default]\naws_access_key_id = $ID\naws_secret_access_key = $SECRET\n", c)
	if got := mustRead(t, path); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// A second identical write changes nothing.
	res, err = Update(context.Background(), path, putFunc("default", c, true))
	if err != nil || res.Changed {
		t.Errorf("rewrite with the same keys: changed %v, err %v", res.Changed, err)
	}
	// Without replace, the existing profile is refused and the file kept.
	if _, err := Update(context.Background(), path, putFunc("default", fakeCreds(), false)); err == nil {
		t.Error("existing profile overwritten without replace")
	}
	if got := mustRead(t, path); got != want {
		t.Errorf("refused write changed the file: %q", got)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".credentials.credguard-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestUpdateSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need developer mode on Windows")
	}
	dir := t.TempDir()
	dots := filepath.Join(dir, "dotfiles", "aws")
	if err := os.MkdirAll(dots, 0o755); err != nil {
		t.Fatal(err)
	}
	real := filepath.Join(dots, "credentials")
	orig := "# managed by my dotfiles\n[a]\nregion = x\n"
	if err := os.WriteFile(real, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	aws := filepath.Join(dir, "home", ".aws")
	if err := os.MkdirAll(aws, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(aws, "credentials")
	// A relative link through a second link: both must be followed.
	if err := os.Symlink("../../dotfiles/aws/credentials", filepath.Join(aws, "mid")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("mid", link); err != nil {
		t.Fatal(err)
	}
	c := fakeCreds()
	res, err := Update(context.Background(), link, putFunc("b", c, false))
	if err != nil {
		t.Fatal(err)
	}
	if res.Target != real {
		t.Errorf("target %q, want %q", res.Target, real)
	}
	for _, l := range []string{link, filepath.Join(aws, "mid")} {
		if st, err := os.Lstat(l); err != nil || st.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a symlink", l)
		}
	}
	want := orig + expand("\n[b]\naws_access_key_id = $ID\naws_secret_access_key = $SECRET\n", c)
	if got := mustRead(t, real); got != want {
		t.Errorf("target holds %q, want %q", got, want)
	}
}

// TestUpdateConcurrent runs writers of different profiles at once (each with
// its own lock handle, as separate processes would have): all must land.
func TestUpdateConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	const n = 8
	creds := make([]Credentials, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		creds[i] = fakeCreds()
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := Update(context.Background(), path, putFunc(fmt.Sprintf("p%d", i), creds[i], false))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range creds {
		s := f.Section(fmt.Sprintf("p%d", i))
		if s == nil || s.Lookup("aws_secret_access_key").Value != c.SecretAccessKey {
			t.Errorf("profile p%d lost", i)
		}
	}
}

// TestUpdateNoticesChange changes the file behind the writer's back, after
// it was read: the writer must start over from the new content, not write
// over it.
func TestUpdateNoticesChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(path, []byte("[a]\nk = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := fakeCreds()
	calls := 0
	_, err := Update(context.Background(), path, func(f *File) ([]byte, error) {
		calls++
		if calls == 1 {
			// Another program (not using the lock) appends a profile.
			if err := os.WriteFile(path, []byte("[a]\nk = 1\n\n[other]\nk = 2\n"), 0o600); err != nil {
				return nil, err
			}
		}
		return putFunc("b", c, false)(f)
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 2 {
		t.Errorf("edit ran %d times, want 2", calls)
	}
	want := expand("[a]\nk = 1\n\n[other]\nk = 2\n\n[b]\naws_access_key_id = $ID\naws_secret_access_key = $SECRET\n", c)
	if got := mustRead(t, path); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// crashEnv tells the test binary, re-run as a child, to act as the writer
// that is killed between writing its temporary file and renaming it.
const crashEnv = "CREDGUARD_TEST_CRASH_DIR"

// TestCrashBeforeRename kills a writer (SIGKILL; TerminateProcess on
// Windows) after its temporary file is written and synced and before the
// rename: the old file must be intact and the next run must succeed.
func TestCrashBeforeRename(t *testing.T) {
	if dir := os.Getenv(crashEnv); dir != "" {
		beforeRename = func(tmp string) {
			os.WriteFile(filepath.Join(dir, "ready"), []byte(tmp), 0o600)
			time.Sleep(time.Hour) // killed here
		}
		Update(context.Background(), filepath.Join(dir, "credentials"), putFunc("crash", fakeCreds(), false))
		t.Fatal("the writer was not killed")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	orig := "# precious\r\n[keep]\r\naws_access_key_id = X\r\n"
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashBeforeRename$")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := filepath.Join(dir, "ready")
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the child writer never reached the rename")
		}
		time.Sleep(10 * time.Millisecond)
	}
	tmp := mustRead(t, ready)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if got := mustRead(t, path); got != orig {
		t.Fatalf("the crash changed the file: %q", got)
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Fatalf("the killed writer's temporary file is gone before the next run (was the kill too late?): %v", err)
	}
	// The next run succeeds, keeps the old content and removes the leftover.
	c := fakeCreds()
	if _, err := Update(context.Background(), path, putFunc("next", c, false)); err != nil {
		t.Fatal(err)
	}
	want := orig + expand("\r\n[next]\r\naws_access_key_id = $ID\r\naws_secret_access_key = $SECRET\r\n", c)
	if got := mustRead(t, path); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := os.Stat(tmp); err == nil {
		t.Error("the crashed run's temporary file was not cleaned up")
	}
}
