package main

// The package schema this provider answers GetSchema with: the part of command 1.2.1's
// schema it implements (same tokens, properties and defaults). The Node SDK does not need
// it; tools such as `pulumi package get-schema` do.

import "encoding/json"

type obj = map[string]any

func prop(typ, description string) obj { return obj{"type": typ, "description": description} }

func commandProperties(remote bool) obj {
	logging := "#/types/command:local:Logging"
	if remote {
		logging = "#/types/command:remote:Logging"
	}
	p := obj{
		"create":                 prop("string", "The command to run once on resource creation. Without an `update` command it also runs (replacing the resource) when the inputs change."),
		"update":                 prop("string", "The command to run when the resource's inputs change. If empty, the resource is replaced and `create` runs instead."),
		"delete":                 prop("string", "The command to run on resource deletion, with the inputs stored at the last create or update."),
		"stdin":                  prop("string", "Pass a string to the command's process as standard in."),
		"environment":            obj{"type": "object", "additionalProperties": obj{"type": "string"}, "description": "Additional environment variables available to the command's process."},
		"triggers":               obj{"type": "array", "items": obj{"$ref": "pulumi.json#/Any"}, "replaceOnChanges": true, "description": "The resource is replaced if any of these values change."},
		"logging":                obj{"$ref": logging, "description": "Which of stdout and stderr are logged (default: both)."},
		"addPreviousOutputInEnv": prop("boolean", "Pass the previous stdout and stderr to update and delete as PULUMI_COMMAND_STDOUT and PULUMI_COMMAND_STDERR. Defaults to true."),
	}
	if remote {
		p["connection"] = obj{"$ref": "#/types/command:remote:Connection", "secret": true, "description": "The parameters with which to connect to the remote host."}
	} else {
		p["dir"] = prop("string", "The directory from which to run the command.")
		p["interpreter"] = obj{"type": "array", "items": obj{"type": "string"}, "description": "The program and arguments to run the command. Defaults to [\"/bin/sh\", \"-c\"]."}
	}
	return p
}

func commandResource(remote bool, description string) obj {
	inputs := commandProperties(remote)
	outputs := obj{
		"stdout": prop("string", "The standard output of the command's process."),
		"stderr": prop("string", "The standard error of the command's process."),
	}
	for k, v := range inputs {
		outputs[k] = v
	}
	r := obj{
		"description":     description,
		"inputProperties": inputs,
		"properties":      outputs,
		"required":        []string{"stdout", "stderr"},
	}
	if remote {
		r["requiredInputs"] = []string{"connection"}
		r["required"] = []string{"connection", "stdout", "stderr"}
	}
	return r
}

func connectionType(proxy bool) obj {
	p := obj{
		"host":               prop("string", "The address of the host to connect to."),
		"port":               obj{"type": "number", "default": defaultPort, "description": "The port to connect to."},
		"user":               obj{"type": "string", "default": defaultUser, "description": "The user for the connection."},
		"password":           obj{"type": "string", "secret": true, "description": "The password for the connection."},
		"privateKey":         obj{"type": "string", "secret": true, "description": "The contents of an SSH key for the connection. Takes preference over the password."},
		"privateKeyPassword": obj{"type": "string", "secret": true, "description": "The password for an encrypted private key."},
		"agentSocketPath":    prop("string", "SSH agent socket path. Defaults to SSH_AUTH_SOCK when nothing else authenticates."),
		"hostKey":            prop("string", "The expected host key (authorized_keys format). If not provided, the host key is not checked."),
		"dialErrorLimit":     obj{"type": "integer", "default": defaultDialErrorLimit, "description": "Max dial attempts. -1: unlimited."},
		"perDialTimeout":     obj{"type": "integer", "default": defaultPerDialTimeout, "description": "Max seconds for each dial attempt. 0: no maximum."},
	}
	description := "Instructions for how to connect to a remote endpoint."
	if !proxy {
		p["proxy"] = obj{"$ref": "#/types/command:remote:ProxyConnection", "description": "The connection settings for the bastion/proxy host."}
	} else {
		description = "Instructions for how to connect to a remote endpoint via a bastion host."
	}
	return obj{"type": "object", "description": description, "properties": p, "required": []string{"host"}}
}

func loggingEnum() obj {
	var values []obj
	for _, v := range []string{logStdout, logStderr, logStdoutAndStderr, logNone} {
		values = append(values, obj{"value": v})
	}
	return obj{"type": "string", "enum": values}
}

var schemaJSON = func() string {
	s := obj{
		"name":        "command",
		"displayName": "Command",
		"version":     Version,
		"description": "haplane's implementation of command:local:Command and command:remote:Command (schema of pulumi-command 1.2.1).",
		"resources": obj{
			localType:  commandResource(false, "A local command to be executed."),
			remoteType: commandResource(true, "A command to run on a remote host over SSH."),
		},
		"types": obj{
			"command:local:Logging":          loggingEnum(),
			"command:remote:Logging":         loggingEnum(),
			"command:remote:Connection":      connectionType(false),
			"command:remote:ProxyConnection": connectionType(true),
		},
		"provider": obj{"description": "The provider type for the command package."},
	}
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}()
