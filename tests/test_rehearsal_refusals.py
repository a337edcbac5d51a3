"""Bad rehearsal files: one line naming the file, the row and the fix; exit 1; nothing written."""

import zipfile

import pytest

from previs.cli import main

GCSV_HEAD = "GYROFLOW IMU LOG\nversion,1.3\ntscale,0.001\ngscale,0.001\nascale,0.0001\n"
PHY_HEAD = '"Time (s)","Gyroscope x (rad/s)","Gyroscope y (rad/s)","Gyroscope z (rad/s)",' \
           '"Acceleration x (m/s^2)","Acceleration y (m/s^2)","Acceleration z (m/s^2)"\n'


def gcsv_rows(n=300, nan_at=None, back_at=None):
    rows = []
    for i in range(n):
        t = i * 5
        if back_at is not None and i == back_at:
            t = (i - 3) * 5
        gz = "nan" if i == nan_at else "10"
        rows.append(f"{t},1,2,{gz},0,10000,0")
    return "t,gx,gy,gz,ax,ay,az\n" + "\n".join(rows) + "\n"


CASES = {
    "empty": ("take.gcsv", b"", "take.gcsv: empty (0 bytes)"),
    "unknown": ("notes.csv", b"name,age\nann,3\n", "notes.csv: not a format previs reads (it starts 'name,age')"),
    "binary": ("blob.bin", bytes(range(256)) * 4, "blob.bin: not a format previs reads (binary, and not an MP4)"),
    "gcsv missing columns": ("take.gcsv", (GCSV_HEAD + "t,gx,gy,gz\n0,1,2,3\n").encode(),
                             "take.gcsv: row 6: the header lacks columns 'ax', 'ay', 'az'"),
    "gcsv nan row": ("take.gcsv", (GCSV_HEAD + gcsv_rows(nan_at=40)).encode(),
                     "take.gcsv: row 47, column 'gz': not a number"),
    "gcsv backwards": ("take.gcsv", (GCSV_HEAD + gcsv_rows(back_at=100)).encode(),
                       "take.gcsv: row 107: time 0.485 comes before the row before (0.495): the timestamps go backwards"),
    "gcsv no tscale": ("take.gcsv", ("GYROFLOW IMU LOG\ngscale,0.001\n" + gcsv_rows()).encode(),
                       "take.gcsv: the header lacks 'tscale'"),
    "phyphox blank cell": ("p.csv", (PHY_HEAD + "".join(f"{i / 100},0,0,0.1,0,9.8,0\n" for i in range(60))
                                     + "0.6,0,,0.1,0,9.8,0\n").encode(),
                           "p.csv: row 62, column 'gyroscope y (rad/s)': not a number"),
    "phyphox gyro only": ("p.csv", ('"Time (s)","Gyroscope x (rad/s)","Gyroscope y (rad/s)","Gyroscope z (rad/s)"\n'
                                    "0,0,0,0\n").encode(), "p.csv: gyroscope only"),
    "too short": ("take.gcsv", (GCSV_HEAD + gcsv_rows(n=10)).encode(), "take.gcsv: only 10 gyro samples"),
    "user acceleration": ("take.gcsv", (GCSV_HEAD + gcsv_rows().replace(",0,10000,0", ",0,10,0")).encode(),
                          "the log holds acceleration without gravity"),
    "one sensor logger csv": ("Gyroscope.csv", b"time,seconds_elapsed,z,y,x\n1,0.0,0,0,0\n",
                              "one CSV of a Sensor Logger export"),
    "track.csv nan": ("track.csv", b"# comment\nframe,time,x,y,z,yaw\n0,0,0,0,0,0\n1,0.04,0,0,0,nan\n",
                      "track.csv: row 4, column 'yaw': 'nan' is not finite"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_gets_one_line(case, tmp_path, capsys):
    name, data, want = CASES[case]
    path = tmp_path / name
    path.write_bytes(data)
    out = tmp_path / "out"
    assert main(["plan", str(path), "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and want in err[0], err
    assert not out.exists() or not any(out.iterdir())


def test_sensor_logger_without_gravity(tmp_path, capsys):
    z = tmp_path / "rec.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("Gyroscope.csv", "time,seconds_elapsed,z,y,x\n" + "".join(f"{i},{i / 100},0,0,0\n" for i in range(99)))
        f.writestr("Accelerometer.csv", "time,seconds_elapsed,z,y,x\n0,0,0,0,0\n")
    assert main(["plan", str(z), "-o", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "rec.zip: no TotalAcceleration.csv or Gravity.csv beside Gyroscope.csv" in err[0]


def test_damaged_zip(tmp_path, capsys):
    z = tmp_path / "rec.zip"
    z.write_bytes(b"PK\x03\x04" + b"\0" * 40)
    assert main(["plan", str(z), "-o", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "rec.zip: not a readable zip" in err[0]


def test_missing_file_and_fifo(tmp_path, capsys):
    import os

    fifo = tmp_path / "pipe.gcsv"
    os.mkfifo(fifo)
    for path, want in ((tmp_path / "gone.MP4", "gone.MP4: cannot read the track: it does not exist."),
                       (fifo, "pipe.gcsv: cannot read the track: it is not a regular file")):
        assert main(["plan", str(path), "-o", str(tmp_path / "o")]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and want in err[0], err


def test_a_repeated_stamp_is_dropped_with_a_warning(tmp_path, capsys):
    rows = [f"{i * 5 if i != 101 else 500},1,2,10,0,10000,0" for i in range(300)]  # row of t=505 stamped 500
    path = tmp_path / "take.gcsv"
    path.write_text(GCSV_HEAD + "t,gx,gy,gz,ax,ay,az\n" + "\n".join(rows) + "\n")
    assert main(["plan", str(path), "-o", str(tmp_path / "o")]) == 0
    cap = capsys.readouterr()
    assert "299 IMU samples" in cap.out and "1 sample(s) repeating the time stamp before them were dropped" in cap.err
