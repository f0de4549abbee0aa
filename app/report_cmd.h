/* report_cmd.h - `vdcsim report RUN.h5 -o DIR` (analysis/run_report.h). */
#ifndef VDCSIM_APP_REPORT_CMD_H
#define VDCSIM_APP_REPORT_CMD_H

int cmd_report(int argc, char **argv);

#endif
