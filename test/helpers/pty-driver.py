"""Runs a command on a pseudo-terminal, for TTY tests (Node has no pty of its own).

usage: pty-driver.py ROWS COLS NEW_ROWS NEW_COLS -- command...
The command is expected to print `stty size` for every line it reads and to exit on `q`.
The driver sends a newline every 50 ms until the command reports ROWS COLS, then resizes the
terminal (TIOCSWINSZ + SIGWINCH, as a terminal emulator does) and sends newlines until it
reports NEW_ROWS NEW_COLS, then `q`. It prints everything the command wrote and exits
with its exit code (124 if 30 s pass first).
"""
import fcntl, os, pty, select, signal, struct, sys, termios, time

rows, cols, new_rows, new_cols = map(int, sys.argv[1:5])
command = sys.argv[6:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)

def set_size(r, c):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', r, c, 0, 0))

set_size(rows, cols)
output = b''
phase = 'initial'
deadline = time.time() + 30
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.05)
    if ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        output += data
        continue
    if phase == 'initial' and f'{rows} {cols}'.encode() in output:
        set_size(new_rows, new_cols)
        os.kill(pid, signal.SIGWINCH)
        phase = 'resized'
    elif phase == 'resized' and f'{new_rows} {new_cols}'.encode() in output:
        os.write(fd, b'q\n')
        phase = 'done'
    if phase != 'done':
        os.write(fd, b'\n')
sys.stdout.write(output.decode(errors='replace'))
if phase != 'done':
    os.kill(pid, signal.SIGKILL)
    sys.exit(124)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
