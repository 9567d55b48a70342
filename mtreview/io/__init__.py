"""Files in and out: loading documents and segment files, page debris, output writing."""
